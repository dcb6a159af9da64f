package dev.quire.server.store.replica;

import dev.quire.server.store.CommitResult;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.ForwardingStore;
import dev.quire.server.store.StoreException;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The primary's store for the document sequencers, except that opening a document reads most of
 * it from a replica: the replica's newest snapshot and the ops after it, then from the primary only
 * the ops past what the replica had (usually none: one short index scan instead of reading the
 * snapshot and the op log). The result is exactly what the primary alone would give, however far
 * behind the replica is — a document's op log on a replica is always a prefix of the primary's, and
 * a snapshot of a version never changes — so opens need no reader's freshness. Everything else,
 * commits first, goes to the primary.
 */
final class OpeningStore extends ForwardingStore {
  private final ReadRouter router;

  OpeningStore(DocumentStore primary, ReadRouter router) {
    super(primary);
    this.router = router;
  }

  @Override
  public Opening readForOpen(String collection, String docId) {
    Replica r = router.anyUp();
    if (r == null) {
      router.count("open", router.noneUp());
      return real.readForOpen(collection, docId);
    }
    Opening part;
    try {
      part = r.store.readForOpen(collection, docId);
    } catch (StoreException e) {
      router.markDown(r, e);
      router.count("open", Route.REPLICA_FAILED);
      return real.readForOpen(collection, docId);
    }
    long from = part.snapshot().map(StoredSnapshot::version).orElse(0L);
    List<StoredOp> ops = new ArrayList<>(part.ops());
    long next = from;
    for (StoredOp op : ops) {
      if (op.version() != next++) {
        router.count("open", Route.DOCUMENT_BEHIND); // not a prefix: never expected, but never trusted either
        return real.readForOpen(collection, docId);
      }
    }
    List<StoredOp> tail = real.ops(collection, docId, next, Long.MAX_VALUE);
    if (!tail.isEmpty() && tail.get(0).version() != next) {
      // The primary no longer has the ops after the replica's snapshot (compacted): its own newest
      // snapshot is past them.
      router.count("open", Route.DOCUMENT_BEHIND);
      return real.readForOpen(collection, docId);
    }
    ops.addAll(tail);
    router.count("open", Route.REPLICA);
    return new Opening(part.snapshot(), ops);
  }

  /** The primary's own asynchronous commit (PostgreSQL groups commits without holding a thread). */
  @Override
  public CompletableFuture<CommitResult> commitAsync(String collection, String docId, List<StoredOp> ops,
      Executor executor) {
    return real.commitAsync(collection, docId, ops, executor);
  }
}
