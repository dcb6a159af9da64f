package dev.quire.server.store.postgres;

import dev.quire.server.store.CommitResult;
import dev.quire.server.store.StoreArguments;
import dev.quire.server.store.StoreException;
import dev.quire.server.store.StoredOp;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit across documents. A document's sequencer already commits all its queued ops in one
 * transaction; this goes one step further for a server with many busy documents: commits that
 * arrive while the committers are busy wait in a queue, and each committer takes everything
 * waiting (up to {@link #MAX_DOCS} documents) and writes it in one call of
 * {@code quire_commit_many} — one round trip, one transaction, one WAL flush for all of them —
 * where each document's batch is still its own compare-and-set (see the V3 and V9 migrations). Under
 * light load a commit goes alone, through the single-document statement, and waits for nothing;
 * under heavy load the groups grow by themselves, which is what keeps the database's work per op
 * falling as the load rises.
 *
 * <p>{@link #submit} answers with a future, so waiting commits hold no threads; {@link #commit}
 * blocks for the SPI's blocking form. A failure of the call (a lost connection, PostgreSQL down) fails every
 * commit of the group with a {@link StoreException}: whether it landed is unknown, as for any
 * commit, and each document re-reads.
 */
final class PostgresGroupCommit implements AutoCloseable {
  /**
   * Documents per call. The call is set-based (the V9 migration), so its cost grows with the
   * documents in it only by an index probe and the rows; the cap bounds how long one call holds
   * its documents' locks and how much one failed call retries alone.
   */
  static final int MAX_DOCS = Integer.getInteger("quire.pg.group-docs", 128);
  private static final String UNIQUE_VIOLATION = "23505";

  private static final java.util.Comparator<Request> GROUP_ORDER =
      java.util.Comparator.comparing(Request::collection).thenComparing(Request::docId);

  private record Request(String collection, String docId, List<StoredOp> ops, CompletableFuture<CommitResult> result) {}

  private final PostgresConnections db;
  private final OrgResolver orgs;
  private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final List<Thread> committers = new ArrayList<>();
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicLong sharedCalls = new java.util.concurrent.atomic.AtomicLong();

  /** @param threads commits in flight at once (each on its own pooled connection) */
  PostgresGroupCommit(PostgresConnections db, OrgResolver orgs, int threads) {
    this.db = db;
    this.orgs = orgs;
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::run, "quire-postgres-commit-" + (i + 1));
      t.setDaemon(true);
      t.start();
      committers.add(t);
    }
  }

  /** Commits one document's batch (already checked) with whatever else is waiting; blocks. */
  CommitResult commit(String collection, String docId, List<StoredOp> ops) {
    CompletableFuture<CommitResult> result = submit(collection, docId, ops);
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while committing to " + docId + "; it may or may not have landed", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StoreException se) {
        throw se;
      }
      throw new StoreException("commit to " + docId + " failed: " + e.getCause(), e.getCause());
    }
  }

  /** Queues one document's batch (already checked) for the next group; answers when written. */
  CompletableFuture<CommitResult> submit(String collection, String docId, List<StoredOp> ops) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new StoreException("the store is closed; could not commit to " + docId, null));
    }
    Request r = new Request(collection, docId, ops, new CompletableFuture<>());
    queue.add(r);
    if (closed) {
      failWaiting(); // closed meanwhile: the committers may be gone
    }
    return r.result();
  }

  private void run() {
    List<Request> group = new ArrayList<>(MAX_DOCS);
    while (!closed) {
      try {
        Request first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        group.add(first);
        queue.drainTo(group, MAX_DOCS - 1);
        // One order for every server: two groups that share documents then wait for each other
        // (on the primary key) in the same order, and can never deadlock.
        group.sort(GROUP_ORDER);
        write(group);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        for (Request r : group) {
          r.result().completeExceptionally(e);
        }
      } finally {
        group.clear();
      }
    }
    failWaiting();
  }

  private void write(List<Request> group) {
    // Resolved before a connection is taken: a cache miss takes one of its own, and holding two
    // per committer could exhaust the pool.
    String[] orgIds = new String[group.size()];
    for (int i = 0; i < orgIds.length; i++) {
      orgIds[i] = orgs.orgOf(group.get(i).docId());
    }
    if (group.size() == 1) {
      Request r = group.get(0);
      r.result().complete(single(r, orgIds[0]));
      return;
    }
    sharedCalls.incrementAndGet();
    int ops = group.stream().mapToInt(r -> r.ops().size()).sum();
    boolean[] committed;
    try {
      committed = db.once("commit " + ops + " op(s) to " + group.size() + " documents", c -> many(c, group, orgIds));
    } catch (StoreException e) {
      if (!rolledBack(e)) {
        throw e; // the connection was lost: whether the group landed is unknown to everyone
      }
      // PostgreSQL refused the call (one batch it cannot store, or a unique violation — an op
      // stored before — which the set-based call does not judge per document): the transaction
      // was rolled back, so each batch is tried alone, and only the one at fault fails or
      // conflicts.
      for (int i = 0; i < group.size(); i++) {
        Request r = group.get(i);
        try {
          r.result().complete(single(r, orgIds[i]));
        } catch (RuntimeException alone) {
          r.result().completeExceptionally(alone);
        }
      }
      return;
    }
    for (int i = 0; i < group.size(); i++) {
      group.get(i).result().complete(committed[i] ? CommitResult.COMMITTED : CommitResult.CONFLICT);
    }
  }

  /**
   * True when PostgreSQL answered the call with an error (so its transaction was rolled back),
   * false when the connection failed (SQLSTATE class 08, or none): then it may have committed.
   */
  private static boolean rolledBack(StoreException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        return state != null && !state.startsWith("08");
      }
    }
    return false;
  }

  private CommitResult single(Request r, String org) {
    String what = "commit " + r.ops().size() + " op(s) to " + StoreArguments.name(r.collection(), r.docId())
        + " at version " + r.ops().get(0).version();
    return db.once(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(PostgresRows.INSERT_AT_HEAD)) {
        PostgresRows.bindBatch(c, ps, org, r.collection(), r.docId(), r.ops());
        // The statement inserts all the batch or nothing: 0 rows means the head was elsewhere.
        return ps.executeUpdate() == 0 ? CommitResult.CONFLICT : CommitResult.COMMITTED;
      } catch (SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          // Another commit took the version (or the op was stored before); PostgreSQL has rolled
          // the statement's transaction back, so nothing of the batch is stored.
          return CommitResult.CONFLICT;
        }
        throw e;
      }
    });
  }

  private static boolean[] many(Connection c, List<Request> group, String[] orgIds) throws SQLException {
    int docs = group.size();
    String[] collections = new String[docs];
    String[] docIds = new String[docs];
    Long[] firsts = new Long[docs];
    Integer[] counts = new Integer[docs];
    List<StoredOp> all = new ArrayList<>();
    for (int i = 0; i < docs; i++) {
      Request r = group.get(i);
      collections[i] = r.collection();
      docIds[i] = r.docId();
      firsts[i] = r.ops().get(0).version();
      counts[i] = r.ops().size();
      all.addAll(r.ops());
    }
    try (PreparedStatement ps = c.prepareStatement(PostgresRows.COMMIT_MANY)) {
      ps.setArray(1, c.createArrayOf("text", orgIds));
      ps.setArray(2, c.createArrayOf("text", collections));
      ps.setArray(3, c.createArrayOf("text", docIds));
      ps.setArray(4, c.createArrayOf("int8", firsts));
      ps.setArray(5, c.createArrayOf("int4", counts));
      PostgresRows.bindOps(c, ps, 6, all);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        Array array = rs.getArray(1);
        Boolean[] answers = (Boolean[]) array.getArray();
        if (answers.length != docs) {
          throw new SQLException("quire_commit_many answered " + answers.length + " times for " + docs + " documents");
        }
        boolean[] committed = new boolean[docs];
        for (int i = 0; i < docs; i++) {
          committed[i] = Boolean.TRUE.equals(answers[i]);
        }
        return committed;
      }
    }
  }

  /** Writes these batches (each for one document) as one group now, on this thread; for tests. */
  List<CompletableFuture<CommitResult>> writeTogether(List<List<StoredOp>> batches) {
    List<Request> group = new ArrayList<>();
    for (List<StoredOp> b : batches) {
      group.add(new Request(b.get(0).collection(), b.get(0).docId(), b, new CompletableFuture<>()));
    }
    List<Request> sorted = new ArrayList<>(group);
    sorted.sort(GROUP_ORDER);
    try {
      write(sorted);
    } catch (RuntimeException e) {
      group.forEach(r -> r.result().completeExceptionally(e));
    }
    return group.stream().map(Request::result).toList();
  }

  /** How many calls carried the commits of more than one document (for tests). */
  long sharedCalls() {
    return sharedCalls.get();
  }

  private void failWaiting() {
    Request r;
    while ((r = queue.poll()) != null) {
      r.result().completeExceptionally(new StoreException("the store is closed; could not commit to " + r.docId(), null));
    }
  }

  /** Stops the committers after the groups they are writing; waiting commits fail. */
  @Override
  public void close() {
    closed = true;
    for (Thread t : committers) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    failWaiting();
  }
}
