-- The embedded store's schema. STRICT makes SQLite reject a value of the wrong type instead of
-- silently converting it, so what is read back is what was written.

-- The op log, the truth: one row per committed op, versions dense per document. The primary key
-- is the commit fence (two commits of the same version cannot both land). WITHOUT ROWID clusters
-- a document's ops in version order, which is how they are read (catch-up, history).
CREATE TABLE ops (
  collection TEXT    NOT NULL,
  doc_id     TEXT    NOT NULL,
  version    INTEGER NOT NULL CHECK (version >= 0),
  src        TEXT    NOT NULL,
  seq        INTEGER NOT NULL,
  kind       TEXT    NOT NULL CHECK (kind IN ('create', 'edit', 'delete')),
  type       TEXT,
  body       TEXT,
  ts         INTEGER NOT NULL,
  PRIMARY KEY (collection, doc_id, version)
) STRICT, WITHOUT ROWID;

-- (src, seq) makes a resubmitted op idempotent: it can be stored once per document.
CREATE UNIQUE INDEX ops_by_source ON ops (collection, doc_id, src, seq);

-- Snapshot-at-time reads: ts never decreases within a document, so the newest op at or before a
-- time is one seek here (the index carries the primary key, hence the version).
CREATE INDEX ops_by_time ON ops (collection, doc_id, ts);

-- Snapshots, a cache that may lag the log; several per document so a history read starts from
-- the nearest. A rowid table, unlike ops: snapshot rows are large (whole documents), and SQLite
-- advises WITHOUT ROWID only for small rows.
CREATE TABLE snapshots (
  collection TEXT    NOT NULL,
  doc_id     TEXT    NOT NULL,
  version    INTEGER NOT NULL CHECK (version >= 0),
  type       TEXT,
  data       TEXT,
  ts         INTEGER NOT NULL,
  PRIMARY KEY (collection, doc_id, version)
) STRICT;
