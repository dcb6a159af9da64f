-- Partitioning by organization (issue 7): the tables that grow with every edit, ops and
-- snapshots, are hash-partitioned by the organization of their document, so a busy organization
-- is a few partitions of its own (smaller indexes, vacuum per partition) rather than one hot
-- table, and every read or write of a document names its organization and touches one partition.
--
-- The partition key is documents.org_id, copied into each row. That is safe because a document
-- never changes organization (the V6 trigger): its rows can never be in the wrong partition. A
-- document with no catalog row (made through the protocol alone, as benchmarks do) is in
-- 'default', exactly as the store's resolver answers for it (PostgresStore's OrgResolver).
--
-- The key must be in every primary key and unique constraint of a partitioned table, so both
-- fences become (org_id, collection, doc_id, version) and (org_id, collection, doc_id, src, seq):
-- since a document has one organization, they fence exactly what they fenced before.
--
-- Not partitioned, on purpose: documents, document_roles, share links and organization
-- members grow with documents and people, not with edits, and are read by document id or by
-- person across organizations (the ACL, "shared with me"); partitioned by organization those
-- reads would visit every partition. Comment threads and comments (V7) grow with conversation,
-- orders of magnitude slower than the op log, are found by their own ids and refer to each other
-- by foreign key (which, into a partitioned table, would need the organization in every key);
-- they stay one table each until they are big enough to be worth that.
--
-- The number of partitions is fixed here, at install: ${partitions}, from the setting
-- database-partitions. Changing the setting later changes nothing (the server says so at start);
-- rehashing would mean rewriting both tables.

DO $$
BEGIN
  IF ${partitions} < 1 OR ${partitions} > 1024 THEN
    RAISE EXCEPTION 'database-partitions must be between 1 and 1024, got %', ${partitions};
  END IF;
END
$$;

-- The old tables step aside (with their index names, which the new tables take over).
ALTER TABLE ops RENAME TO ops_v6;
ALTER INDEX ops_pkey RENAME TO ops_v6_pkey;
ALTER INDEX ops_by_source RENAME TO ops_v6_by_source;
ALTER INDEX ops_by_time RENAME TO ops_v6_by_time;
ALTER TABLE snapshots RENAME TO snapshots_v6;
ALTER INDEX snapshots_pkey RENAME TO snapshots_v6_pkey;

-- The same columns and checks as V1's, with org_id first.
CREATE TABLE ops (
  org_id     text COLLATE "C" NOT NULL,
  collection text COLLATE "C" NOT NULL,
  doc_id     text COLLATE "C" NOT NULL,
  version    bigint NOT NULL CHECK (version >= 0),
  src        text COLLATE "C" NOT NULL,
  seq        bigint NOT NULL,
  kind       text   NOT NULL CHECK (kind IN ('create', 'edit', 'delete')),
  type       text,
  body       text,
  ts         bigint NOT NULL
) PARTITION BY HASH (org_id);

CREATE TABLE snapshots (
  org_id     text COLLATE "C" NOT NULL,
  collection text COLLATE "C" NOT NULL,
  doc_id     text COLLATE "C" NOT NULL,
  version    bigint NOT NULL CHECK (version >= 0),
  type       text,
  data       text,
  ts         bigint NOT NULL
) PARTITION BY HASH (org_id);

-- ops_p0 … ops_p<n-1>, snapshots_p0 … : one per remainder.
DO $$
BEGIN
  FOR r IN 0 .. ${partitions} - 1 LOOP
    EXECUTE format('CREATE TABLE ops_p%s PARTITION OF ops FOR VALUES WITH (MODULUS %s, REMAINDER %s)',
                   r, ${partitions}, r);
    EXECUTE format('CREATE TABLE snapshots_p%s PARTITION OF snapshots FOR VALUES WITH (MODULUS %s, REMAINDER %s)',
                   r, ${partitions}, r);
  END LOOP;
END
$$;

-- Copied before the indexes exist: one sorted build per index instead of a row-by-row insert.
INSERT INTO ops (org_id, collection, doc_id, version, src, seq, kind, type, body, ts)
  SELECT coalesce(d.org_id, 'default'), o.collection, o.doc_id, o.version, o.src, o.seq, o.kind, o.type,
         o.body, o.ts
  FROM ops_v6 o LEFT JOIN documents d ON d.id = o.doc_id;

INSERT INTO snapshots (org_id, collection, doc_id, version, type, data, ts)
  SELECT coalesce(d.org_id, 'default'), s.collection, s.doc_id, s.version, s.type, s.data, s.ts
  FROM snapshots_v6 s LEFT JOIN documents d ON d.id = s.doc_id;

DROP TABLE ops_v6;
DROP TABLE snapshots_v6;

-- The fences and the time index of V1, each led by the partition key.
ALTER TABLE ops ADD PRIMARY KEY (org_id, collection, doc_id, version);
ALTER TABLE ops ADD CONSTRAINT ops_by_source UNIQUE (org_id, collection, doc_id, src, seq);
CREATE INDEX ops_by_time ON ops (org_id, collection, doc_id, ts, version);
ALTER TABLE snapshots ADD PRIMARY KEY (org_id, collection, doc_id, version);

-- Group commit (V3) with each document's organization: the head check and the insert name it,
-- so each document's part of the call touches its own partition only. Otherwise unchanged.
DROP FUNCTION quire_commit_many(text[], text[], bigint[], int[], bigint[], text[], bigint[], text[], text[],
  text[], bigint[]);

CREATE FUNCTION quire_commit_many(
    p_org_id text[], p_collection text[], p_doc_id text[], p_first bigint[], p_count int[],
    p_version bigint[], p_src text[], p_seq bigint[], p_kind text[], p_type text[], p_body text[],
    p_ts bigint[])
  RETURNS boolean[]
  LANGUAGE plpgsql
AS $$
DECLARE
  committed boolean[] := '{}';
  o int := 1; -- where document i's ops start in the op arrays
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_doc_id, 1), 0) LOOP
    BEGIN
      IF pg_try_advisory_xact_lock(quire_doc_lock(p_collection[i], p_doc_id[i]))
         AND (SELECT coalesce(max(version) + 1, 0) FROM ops
              WHERE org_id = p_org_id[i] AND collection = p_collection[i] AND doc_id = p_doc_id[i]) = p_first[i] THEN
        INSERT INTO ops (org_id, collection, doc_id, version, src, seq, kind, type, body, ts)
          SELECT p_org_id[i], p_collection[i], p_doc_id[i], p_version[j], p_src[j], p_seq[j], p_kind[j], p_type[j],
                 p_body[j], p_ts[j]
          FROM generate_series(o, o + p_count[i] - 1) AS j;
        committed := committed || true;
      ELSE
        committed := committed || false;
      END IF;
    EXCEPTION WHEN unique_violation THEN
      committed := committed || false;
    END;
    o := o + p_count[i];
  END LOOP;
  RETURN committed;
END
$$;
