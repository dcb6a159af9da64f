-- Group commit (V3, V8) as three set-based statements instead of a loop with a subtransaction
-- per document: same arguments, same answers, a fraction of the database's work per document.
--
-- Why: with many busy documents the group commit is most of PostgreSQL's work, and the loop paid
-- per document for an EXCEPTION block (a subtransaction, with its own transaction id once it
-- writes), the lock, the head query and the insert as separate plpgsql statements. The capacity
-- benchmark (docs/BENCHMARKS.md, "Capacity", section 3) had PostgreSQL at its limit with 32
-- documents per call. Without subtransactions there is also no reason left to keep calls under
-- the 64 a backend caches, so callers may send more documents per call.
--
-- The answers do not change:
--   * a document whose advisory lock another transaction holds is false at once (never waits);
--   * a document whose head is not where its batch starts is false;
--   * a document named twice in one call is false the second time (the first batch decides; the
--     loop would also have committed a second batch that started where the first ended, but no
--     caller sends one: a document commits one batch at a time);
--   * the rest are inserted, each batch whole.
-- What changes is the rare case of a unique violation (an op's (src, seq) stored before, or a
-- writer that did not take the lock): it now fails the whole call rather than that document's
-- batch alone. The transaction is rolled back, so nothing of the group is stored, and the caller
-- (PostgresGroupCommit) then commits each batch alone, where the violation is a CONFLICT for the
-- one batch at fault — the same answers as before, at the cost of a retry that almost never
-- happens.
--
-- Why the head check is sound here: the locks are taken by the first statement, and in a plpgsql
-- function under READ COMMITTED each statement takes a new snapshot, so the second statement sees
-- every commit of every transaction that held one of these locks before us (a transaction is
-- visible before its locks are released). The primary key stays the fence in any case.
CREATE OR REPLACE FUNCTION quire_commit_many(
    p_org_id text[], p_collection text[], p_doc_id text[], p_first bigint[], p_count int[],
    p_version bigint[], p_src text[], p_seq bigint[], p_kind text[], p_type text[], p_body text[],
    p_ts bigint[])
  RETURNS boolean[]
  LANGUAGE plpgsql
AS $$
DECLARE
  locked boolean[];
  committed boolean[];
BEGIN
  -- 1. Each document's lock, tried (try-locks never wait, so their order cannot deadlock); a
  --    document's second appearance in the call is refused.
  SELECT array_agg(t.first_time AND pg_try_advisory_xact_lock(quire_doc_lock(t.c, t.d)) ORDER BY t.i)
    INTO locked
    FROM (SELECT u.c, u.d, u.i, row_number() OVER (PARTITION BY u.c, u.d ORDER BY u.i) = 1 AS first_time
          FROM unnest(p_collection, p_doc_id) WITH ORDINALITY AS u(c, d, i)) t;

  -- 2. Each document's head, in a snapshot taken after the locks (one index probe per document,
  --    in its organization's partition).
  SELECT array_agg(locked[h.i] AND h.head = p_first[h.i] ORDER BY h.i)
    INTO committed
    FROM (SELECT u.i,
                 (SELECT coalesce(max(o.version) + 1, 0) FROM ops o
                   WHERE o.org_id = u.org AND o.collection = u.c AND o.doc_id = u.d) AS head
          FROM unnest(p_org_id, p_collection, p_doc_id) WITH ORDINALITY AS u(org, c, d, i)) h;

  -- 3. Every op of the documents that passed, in one insert. Document i's ops are the p_count[i]
  --    after those of the documents before it.
  INSERT INTO ops (org_id, collection, doc_id, version, src, seq, kind, type, body, ts)
    SELECT p_org_id[b.i], p_collection[b.i], p_doc_id[b.i], p_version[j], p_src[j], p_seq[j], p_kind[j],
           p_type[j], p_body[j], p_ts[j]
      FROM (SELECT u.i::int AS i, u.n, (sum(u.n) OVER (ORDER BY u.i) - u.n)::int AS before
              FROM unnest(p_count) WITH ORDINALITY AS u(n, i)) b,
           generate_series(b.before + 1, b.before + b.n) AS j
     WHERE committed[b.i];

  RETURN coalesce(committed, '{}');
END
$$;
