package dev.quire.server.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Where documents live: an append-only op log per document (the truth) plus snapshots (a cache
 * that may lag it). Implementations: {@code SqliteStore} (embedded, the default) and, in cluster
 * mode, PostgreSQL. Every implementation passes {@code DocumentStoreContract}.
 *
 * <p>The op log is dense per document: versions 0, 1, 2, … with no gaps. {@link #commit} is a
 * compare-and-set on the head version, so two servers (or two threads) can never both commit
 * version n; the loser gets {@link CommitResult#CONFLICT} and re-reads. Methods block (JDBC) and
 * are safe to call from several threads; callers keep them off network threads. Failures other
 * than conflicts throw {@link StoreException}.
 */
public interface DocumentStore extends AutoCloseable {

  /**
   * Appends {@code ops}, which are consecutive ({@code ops[i].version == ops[0].version + i}) and
   * all for this document, in one transaction: all are stored, durably, or none is. It succeeds
   * only if the document's head version is {@code ops[0].version} (0 for a document with no ops)
   * and no op's {@code (src, seq)} is stored already; otherwise {@link CommitResult#CONFLICT}. A
   * store may also answer CONFLICT, rather than wait, while another commit to the same document
   * is in flight (PostgreSQL does); the caller re-reads and retries either way.
   * Committing several ops at once is how a busy document gets more than one op per disk sync
   * (group commit).
   */
  CommitResult commit(String collection, String docId, List<StoredOp> ops);

  /**
   * {@link #commit}, answered later: the future completes with its result, or exceptionally with
   * what it would have thrown. The default runs {@code commit} on {@code executor}; a store that
   * groups commits (PostgreSQL) queues the batch without holding a thread while it waits, so the
   * number of documents committing at once is not bounded by a thread pool.
   */
  default CompletableFuture<CommitResult> commitAsync(String collection, String docId, List<StoredOp> ops,
      Executor executor) {
    return CompletableFuture.supplyAsync(() -> commit(collection, docId, ops), executor);
  }

  /** The version after the last committed op: the number of ops (0 when there are none). */
  long headVersion(String collection, String docId);

  /**
   * Committed ops with {@code from <= version < to}, in version order.
   *
   * @throws OpsCompactedException if ops at or after {@code from} are no longer stored (the
   *     retention policy deleted them, see {@link #compact}): never a partial list
   */
  List<StoredOp> ops(String collection, String docId, long from, long to);

  /** The committed op that {@code (src, seq)} submitted to this document, if there is one. */
  Optional<StoredOp> findBySource(String collection, String docId, String src, long seq);

  /**
   * The version the document had at time {@code timestamp}: the number of ops whose timestamp is
   * at or before it. For a time before every op still stored (after compaction), the version of
   * the newest snapshot at or before that time (0 when there is none).
   */
  long versionAt(String collection, String docId, long timestamp);

  /** Stores a snapshot. Writing one for a version that is already stored replaces nothing. */
  void writeSnapshot(StoredSnapshot snapshot);

  /** The newest stored snapshot with {@code version <= atMost}, if any. */
  Optional<StoredSnapshot> snapshotAtOrBefore(String collection, String docId, long atMost);

  /**
   * What opening a document reads: its newest snapshot (empty if none) and every op after it, in
   * version order, starting at the snapshot's version (0 without one).
   */
  record Opening(Optional<StoredSnapshot> snapshot, List<StoredOp> ops) {
    public Opening {
      ops = List.copyOf(ops);
    }

    /** The version the document is at after these ops. */
    public long version() {
      return snapshot.map(StoredSnapshot::version).orElse(0L) + ops.size();
    }
  }

  /**
   * {@link #snapshotAtOrBefore} the newest version, then the {@link #ops} after it: what a
   * document's sequencer reads when it opens. A store with read replicas may serve most of it
   * from a replica and only the newest ops from the primary.
   */
  default Opening readForOpen(String collection, String docId) {
    Optional<StoredSnapshot> snap = snapshotAtOrBefore(collection, docId, Long.MAX_VALUE);
    long from = snap.map(StoredSnapshot::version).orElse(0L);
    return new Opening(snap, ops(collection, docId, from, Long.MAX_VALUE));
  }

  // ---- retention (dev.quire.server.retention.Compactor) ----

  /**
   * The documents, of every collection, that {@link #compact} at {@code interval} would take ops
   * from now: those with at least {@code interval} stored ops committed at or before {@code
   * olderThan} beyond the oldest stored op, short of the last op.
   */
  List<DocumentKey> compactionCandidates(long olderThan, int interval);

  /**
   * Deletes the document's ops below version {@code below}, but only if a snapshot is stored at
   * {@code below} and at least one op stays (the head is read from the log); otherwise deletes no
   * op. The snapshots those ops covered (after the oldest stored op, before {@code below}) go
   * too, except at multiples of {@code keepEvery}; snapshots at or below the oldest stored op,
   * kept by earlier compactions, stay whatever their interval.
   * Idempotent, and safe to run from several servers at once. Reads of ops below {@code below}
   * then throw {@link OpsCompactedException}; deduplication by {@code (src, seq)} of the deleted
   * ops is lost.
   *
   * @param below a multiple of {@code keepEvery}
   * @return how many ops were deleted
   */
  long compact(String collection, String docId, long below, long keepEvery);

  /** True when the store answers; what {@code /health/ready} reports. */
  boolean isHealthy();

  @Override
  void close();
}
