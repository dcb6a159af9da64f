-- The cluster store's schema: the same tables as the embedded store's, shared by every server.
--
-- Bodies are text, not jsonb: the protocol allows lone UTF-16 surrogates (an op that splits an
-- emoji), which Quire's JSON writer escapes as \udXXX, and jsonb rejects such escapes (the
-- reference sharedb-postgres fails those commits). text keeps the JSON exactly as written.
--
-- Keys use the "C" collation: equality is byte equality whatever the database's locale, and index
-- comparisons are memcmp rather than locale-aware.

-- The op log, the truth: one row per committed op, versions dense per document. The primary key
-- is the commit fence: two servers cannot both store version n of a document, whatever the
-- isolation level.
CREATE TABLE ops (
  collection text COLLATE "C" NOT NULL,
  doc_id     text COLLATE "C" NOT NULL,
  version    bigint NOT NULL CHECK (version >= 0),
  src        text COLLATE "C" NOT NULL,
  seq        bigint NOT NULL,
  kind       text   NOT NULL CHECK (kind IN ('create', 'edit', 'delete')),
  type       text,
  body       text,
  ts         bigint NOT NULL,
  PRIMARY KEY (collection, doc_id, version),
  -- (src, seq) makes a resubmitted op idempotent: it can be stored once per document.
  CONSTRAINT ops_by_source UNIQUE (collection, doc_id, src, seq)
);

-- Snapshot-at-time reads: ts never decreases within a document, so the newest op at or before a
-- time is one backward seek here; version is in the key so the ORDER BY needs no sort.
CREATE INDEX ops_by_time ON ops (collection, doc_id, ts, version);

-- Snapshots, a cache that may lag the log; several per document so a history read starts from
-- the nearest.
CREATE TABLE snapshots (
  collection text COLLATE "C" NOT NULL,
  doc_id     text COLLATE "C" NOT NULL,
  version    bigint NOT NULL CHECK (version >= 0),
  type       text,
  data       text,
  ts         bigint NOT NULL,
  PRIMARY KEY (collection, doc_id, version)
);
