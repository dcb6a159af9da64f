package dev.quire.server.store.postgres;

import static dev.quire.server.store.CommitResult.COMMITTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredOp.Kind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/** Committers on several stores racing on one document, and the checks of the log they leave. */
final class RacingCommitters {
  static final String DOC = "hot";
  private static final int MAX_BATCH = 8;

  private RacingCommitters() {}

  /**
   * Runs {@code threadsPerStore} committers on each store, each committing {@code opsPerThread}
   * ops in batches of 1 to {@value #MAX_BATCH} (sizes drawn from {@code seed}); then checks that
   * the log is dense, holds every op exactly once, and holds each committer's ops in the order
   * it sent them. Returns the log.
   */
  static List<StoredOp> race(List<DocumentStore> stores, int threadsPerStore, int opsPerThread,
      long seed) throws Exception {
    return race(stores, threadsPerStore, opsPerThread, seed, DOC);
  }

  /** {@link #race(List, int, int, long)} on document {@code doc}. */
  static List<StoredOp> race(List<DocumentStore> stores, int threadsPerStore, int opsPerThread,
      long seed, String doc) throws Exception {
    int committers = stores.size() * threadsPerStore;
    int total = committers * opsPerThread;
    ExecutorService pool = Executors.newFixedThreadPool(committers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < committers; i++) {
        DocumentStore mine = stores.get(i % stores.size());
        String src = "server" + (i % stores.size()) + "-client" + i;
        Random random = new Random(seed + i);
        running.add(pool.submit(() -> {
          start.await();
          commitAll(mine, doc, src, opsPerThread, random, total, seed);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : running) {
        f.get(120, TimeUnit.SECONDS); // a deadline, not a timing assertion
      }
    } finally {
      pool.shutdownNow();
    }

    List<StoredOp> log = stores.get(0).ops("docs", doc, 0, Long.MAX_VALUE);
    assertEquals(total, stores.get(0).headVersion("docs", doc), "seed " + seed);
    assertEquals(LongStream.range(0, total).boxed().toList(),
        log.stream().map(StoredOp::version).toList(), "dense versions, seed " + seed);
    Set<String> seen = new HashSet<>();
    for (StoredOp op : log) {
      assertTrue(seen.add(op.src() + "#" + op.seq()), "stored twice: " + op + ", seed " + seed);
    }
    for (int i = 0; i < committers; i++) {
      String src = "server" + (i % stores.size()) + "-client" + i;
      assertEquals(LongStream.range(0, opsPerThread).boxed().toList(),
          log.stream().filter(op -> op.src().equals(src)).map(StoredOp::seq).toList(),
          src + "'s ops in the order sent, seed " + seed);
    }
    return log;
  }

  /** What a sequencer does: read the head, commit a batch there, re-read on a conflict. */
  private static void commitAll(DocumentStore store, String doc, String src, int count, Random random,
      int total, long seed) {
    long seq = 0;
    int tries = 0;
    while (seq < count) {
      int size = 1 + random.nextInt((int) Math.min(MAX_BATCH, count - seq));
      long head = store.headVersion("docs", doc);
      List<StoredOp> batch = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        String body = "[{\"insert\":\"" + src + "#" + (seq + i) + "\"}]";
        batch.add(new StoredOp("docs", doc, head + i, src, seq + i, Kind.EDIT, null, body, 1));
      }
      if (store.commit("docs", doc, batch) == COMMITTED) {
        seq += size;
      } else {
        // A try loses to a commit that succeeded or to one still in flight (the document's
        // advisory lock: losers do not wait), so losses are not bounded by the commits; this
        // generous bound, with the caller's deadline, only catches a livelock.
        assertTrue(++tries < 100 * total, src + "#" + seq + " never committed, seed " + seed);
      }
    }
  }
}
