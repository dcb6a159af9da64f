-- Group commit across documents (PostgresGroupCommit): the commits that queue up on one server
-- while its previous group is being written go to PostgreSQL as one call — one round trip, one
-- transaction, one WAL flush — instead of one transaction each. Each document's batch keeps its
-- own all-or-nothing compare-and-set, exactly as the single-document statement
-- (PostgresRows.INSERT_AT_HEAD): it is inserted only if the document's head is where the batch
-- starts, and a unique violation (another server took the version, or an op's (src, seq) is
-- stored already) undoes that document's batch only (the EXCEPTION block is a subtransaction)
-- and answers false for it. Callers send at most 32 documents per call, well under the 64
-- subtransactions a backend caches before other sessions' snapshots get slower.
--
-- Never wait for another server: every commit first takes the document's advisory lock with
-- pg_try_advisory_xact_lock (quire_doc_lock below), and a document whose lock another
-- transaction holds is answered false (a conflict: re-read, retry) at once. Without this, a
-- group that races another server's group on one document would wait on the primary key for the
-- other's whole transaction, and so would every document in it; groups then queue behind each
-- other across servers. With it, nothing that inserts ops ever blocks on a row lock: writers of
-- one document all hold its lock, so the head check sees every commit that could collide. The
-- primary key stays the fence (a stale head check still ends in a unique violation).

-- The advisory lock key of a document (a 64-bit hash; a collision only costs a spurious retry).
CREATE FUNCTION quire_doc_lock(p_collection text, p_doc_id text) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT hashtextextended(p_collection || '/' || p_doc_id, 0) $$;
--
-- Arguments: per document i, its key, the version its batch starts at and how many ops it has;
-- the ops of all batches, one after another, in the seven op arrays. Returns, per document,
-- whether its batch was committed.
CREATE FUNCTION quire_commit_many(
    p_collection text[], p_doc_id text[], p_first bigint[], p_count int[],
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
              WHERE collection = p_collection[i] AND doc_id = p_doc_id[i]) = p_first[i] THEN
        INSERT INTO ops (collection, doc_id, version, src, seq, kind, type, body, ts)
          SELECT p_collection[i], p_doc_id[i], p_version[j], p_src[j], p_seq[j], p_kind[j], p_type[j],
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
