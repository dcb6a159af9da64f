package dev.quire.server.store.postgres;

import static dev.quire.server.store.CommitResult.COMMITTED;
import static dev.quire.server.store.postgres.ThrowawayDatabase.execute;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.DocumentStoreContract;
import dev.quire.server.store.StoreException;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredOp.Kind;
import dev.quire.server.store.StoredSnapshot;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL store passes the store contract against this machine's real PostgreSQL, in a
 * database of its own, and keeps what the contract cannot see: exact bytes, durable sessions,
 * clear failures, and two stores (two servers) racing on one document.
 */
class PostgresStoreTest extends DocumentStoreContract {
  private static ThrowawayDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = ThrowawayDatabase.create();
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    if (db != null) {
      db.close();
    }
  }

  /** Opens (migrating on the first call), then empties the tables for this test. */
  @Override
  protected DocumentStore newStore() throws SQLException {
    return db.openEmptied("ops, snapshots");
  }

  @Override
  protected DocumentStore reopen(DocumentStore old) {
    old.close();
    return PostgresStore.open(db.url());
  }

  private PostgresStore postgres() {
    return (PostgresStore) store;
  }

  @Test
  void loneSurrogateEscapesAreStoredByteForByteWhereJsonbWouldRefuseThem() throws SQLException {
    // What Quire's JSON writer makes of an op that splits an emoji: the halves as \\u escapes.
    String body = "[{\"retain\":3},{\"insert\":\"\\ud83d\"},{\"insert\":\"x\\ude00 \ud83d\ude00\"}]";
    StoredOp split = new StoredOp(DOCS, "a", 0, "alice", 1, Kind.CREATE, RICH_TEXT, body, 9);
    StoredSnapshot snap = new StoredSnapshot(DOCS, "a", 1, RICH_TEXT, body, 9);
    assertEquals(COMMITTED, commit(split));
    store.writeSnapshot(snap);

    assertEquals(List.of(split), store.ops(DOCS, "a", 0, 1));
    assertEquals(Optional.of(snap), store.snapshotAtOrBefore(DOCS, "a", 1));
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT convert_to(body, 'UTF8') FROM ops")) {
        assertTrue(rs.next());
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), rs.getBytes(1));
      }
      // Why the column is text: jsonb refuses this very value (as sharedb-postgres's does).
      assertThrows(SQLException.class, () -> s.executeQuery("SELECT body::jsonb FROM ops"));
    }
  }

  @Test
  void aBatchPastTheProtocolsParameterLimitCommitsInOneCall() {
    // 10,000 ops × 9 columns is more bind parameters than one statement may have (65,535).
    List<StoredOp> batch = new ArrayList<>();
    for (int v = 0; v < 10_000; v++) {
      batch.add(edit("a", v, "alice", v));
    }
    assertEquals(COMMITTED, store.commit(DOCS, "a", batch));
    assertEquals(10_000, store.headVersion(DOCS, "a"));
    assertEquals(batch, store.ops(DOCS, "a", 0, 10_000));
  }

  @Test
  void aDatabaseErrorOtherThanAConflictIsAStoreExceptionNamingTheCommit() {
    // PostgreSQL text cannot hold U+0000; the protocol layer refuses it in ids but not in src.
    StoredOp nul = edit("a", 0, "bad\u0000src", 1);
    StoreException e = assertThrows(StoreException.class, () -> commit(nul));
    assertTrue(e.getMessage().contains("commit 1 op(s) to docs/a at version 0"), e.getMessage());
    assertTrue(e.getMessage().contains(db.name()), e.getMessage());
    assertEquals(0, store.headVersion(DOCS, "a"));
    assertEquals(COMMITTED, commit(edit("a", 0, "alice", 1))); // the store is still usable
  }

  @Test
  void sessionsKeepCommitsDurableAndReadCommittedWhateverTheDatabaseDefaults() throws Exception {
    db.admin("ALTER DATABASE " + db.name() + " SET synchronous_commit = off",
        "ALTER DATABASE " + db.name() + " SET default_transaction_isolation = 'serializable'");
    try (PostgresStore other = PostgresStore.open(db.url())) {
      assertEquals("on", other.setting("synchronous_commit"));
      assertEquals("read committed", other.setting("transaction_isolation"));
      db.admin("ALTER DATABASE " + db.name() + " SET synchronous_commit = remote_apply");
    } finally {
      db.admin("ALTER DATABASE " + db.name() + " RESET default_transaction_isolation");
    }
    try (PostgresStore other = PostgresStore.open(db.url())) {
      assertEquals("remote_apply", other.setting("synchronous_commit")); // stricter: kept
    } finally {
      db.admin("ALTER DATABASE " + db.name() + " RESET synchronous_commit");
    }
    assertEquals("on", postgres().setting("synchronous_commit"));
  }

  @Test
  void aDatabaseThatIsNotUtf8IsRefusedNamingItsEncoding() throws SQLException {
    String name = db.name() + "_ascii";
    db.admin("CREATE DATABASE " + name + " ENCODING 'SQL_ASCII' TEMPLATE template0");
    try {
      String url = db.url().substring(0, db.url().lastIndexOf('/') + 1) + name;
      StoreException e = assertThrows(StoreException.class, () -> PostgresStore.open(url));
      assertTrue(e.getMessage().contains("SQL_ASCII"), e.getMessage());
    } finally {
      db.admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  @Test
  void anUnknownUserFailsToOpenNamingTheServerAndTheUser() {
    String url = db.url().replaceFirst("//[^@]+@", "//quire_no_such_role:secret@");
    StoreException e = assertThrows(StoreException.class, () -> PostgresStore.open(url));
    assertTrue(e.getMessage().contains("quire_no_such_role"), e.getMessage());
    assertTrue(e.getMessage().contains(db.name()), e.getMessage());
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }

  /**
   * Stands for a PostgreSQL restart: the store's sessions end and new ones are refused for a
   * while. The health check says so without throwing, and the same store object recovers.
   */
  @Test
  void aStoreCutOffFromItsDatabaseIsUnhealthyThenRecoversWithoutReopening() throws SQLException {
    assertEquals(COMMITTED, commit(edit("a", 0, "alice", 0)));
    assertTrue(store.isHealthy());
    db.admin("ALTER DATABASE " + db.name() + " ALLOW_CONNECTIONS false", // superusers too
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.name() + "'");
    try {
      assertFalse(store.isHealthy());
    } finally {
      db.admin("ALTER DATABASE " + db.name() + " ALLOW_CONNECTIONS true");
    }
    // Each check waits at most about 2 s; the pool reconnects in the background meanwhile.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!store.isHealthy()) {
      assertTrue(System.nanoTime() < deadline, "still unhealthy 30 s after the database came back");
    }
    // A read that meets a dead pooled connection is retried on a fresh one, and the other dead
    // ones are dropped with it, so the commit after it does not meet one either.
    assertEquals(1, store.headVersion(DOCS, "a"));
    assertEquals(COMMITTED, commit(edit("a", 1, "alice", 1)));
  }

  /**
   * Two stores on one database stand for two servers: each has its own pool, so the only thing
   * between them is the primary key. Each of their threads commits batches of random sizes at
   * the head it reads, re-reading on a conflict, as a sequencer does.
   */
  @Test
  void twoServersRacingOnOneDocumentKeepADenseLogWithNoDuplicates() throws Exception {
    long seed = Long.getLong("quire.seed", System.nanoTime());
    System.out.println("twoServersRacing seed " + seed + " (rerun with -Dquire.seed=" + seed + ")");
    try (PostgresStore second = PostgresStore.open(db.url())) {
      List<StoredOp> log = RacingCommitters.race(List.of(store, second), 2, 150, seed);
      assertEquals(log, second.ops(DOCS, RacingCommitters.DOC, 0, Long.MAX_VALUE), "seed " + seed);
    }
  }

  /**
   * Commits of many documents at once share calls of quire_commit_many, and each document's batch
   * is still its own compare-and-set: two stores (two servers) race committers on each of 24
   * documents, so groups hold stale batches beside good ones, and two batches of one document
   * beside each other; every log must come out dense, each op exactly once, in each committer's
   * order.
   */
  @Test
  void commitsOfManyDocumentsShareCallsAndEachKeepsItsOwnCompareAndSet() throws Exception {
    long seed = Long.getLong("quire.seed", System.nanoTime());
    System.out.println("groupCommit seed " + seed + " (rerun with -Dquire.seed=" + seed + ")");
    try (PostgresStore second = PostgresStore.open(db.url())) {
      int docs = 24;
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(docs);
      try {
        List<java.util.concurrent.Future<List<StoredOp>>> races = new java.util.ArrayList<>();
        for (int d = 0; d < docs; d++) {
          String doc = "group-" + d;
          long docSeed = seed + d;
          races.add(pool.submit(() -> RacingCommitters.race(List.of(store, second), 2, 40, docSeed, doc)));
        }
        for (var race : races) {
          race.get(180, java.util.concurrent.TimeUnit.SECONDS); // a deadline, not a timing assertion
        }
      } finally {
        pool.shutdownNow();
      }
      assertTrue(postgres().sharedCommitCalls() + second.sharedCommitCalls() > 0,
          "no commit call carried more than one document: the group path was not exercised, seed " + seed);
    }
  }

  /**
   * In one group, each document's batch is judged alone: a good batch commits, a stale one
   * conflicts, a second batch of the same document at the same version conflicts, and a batch
   * PostgreSQL cannot store at all (U+0000 in text) fails alone, without taking the others down.
   */
  @Test
  void inOneGroupEachBatchIsJudgedAloneAndABadOneFailsOnlyItself() throws Exception {
    var results = postgres().groupCommit().writeTogether(List.of(
        List.of(edit("good", 0, "alice", 1)),
        List.of(edit("bad", 0, "bad\u0000src", 1)),
        List.of(edit("stale", 5, "bob", 1)),
        List.of(edit("twice", 0, "carol", 1)),
        List.of(edit("twice", 0, "dave", 1))));
    assertEquals(COMMITTED, results.get(0).get());
    var failure = assertThrows(java.util.concurrent.ExecutionException.class, () -> results.get(1).get());
    assertTrue(failure.getCause() instanceof StoreException, failure.toString());
    assertEquals(dev.quire.server.store.CommitResult.CONFLICT, results.get(2).get());
    assertEquals(List.of(COMMITTED, dev.quire.server.store.CommitResult.CONFLICT),
        List.of(results.get(3).get(), results.get(4).get()));
    assertEquals(1, store.headVersion(DOCS, "good"));
    assertEquals(0, store.headVersion(DOCS, "bad"));
    assertEquals(0, store.headVersion(DOCS, "stale"));
    assertEquals("carol", store.ops(DOCS, "twice", 0, 1).get(0).src());

    // Without the bad batch, the same kind of group is one call.
    long before = postgres().sharedCommitCalls();
    var again = postgres().groupCommit().writeTogether(List.of(
        List.of(edit("good", 1, "alice", 2)), List.of(edit("stale", 0, "bob", 1))));
    assertEquals(List.of(COMMITTED, COMMITTED), List.of(again.get(0).get(), again.get(1).get()));
    assertEquals(before + 1, postgres().sharedCommitCalls());
  }

  /**
   * An op stored before (same src and seq), sent again at a new version in a group, is a
   * unique violation that the set-based call (V9) cannot judge per document: the call is rolled
   * back and each batch retried alone, so the duplicate's batch conflicts, stores nothing (not
   * even its other op), and the batches beside it commit.
   */
  @Test
  void anOpStoredBeforeConflictsInAGroupWithoutTakingTheOthersDown() throws Exception {
    assertEquals(COMMITTED, commit(edit("again", 0, "alice", 1)));
    var results = postgres().groupCommit().writeTogether(List.of(
        List.of(edit("again", 1, "bob", 1), edit("again", 2, "alice", 1)),
        List.of(edit("beside", 0, "carol", 1)),
        List.of(edit("zbeside", 0, "dave", 1), edit("zbeside", 1, "dave", 2))));
    assertEquals(List.of(dev.quire.server.store.CommitResult.CONFLICT, COMMITTED, COMMITTED),
        List.of(results.get(0).get(), results.get(1).get(), results.get(2).get()));
    assertEquals(1, store.headVersion(DOCS, "again"));
    assertEquals(1, store.headVersion(DOCS, "beside"));
    assertEquals(2, store.headVersion(DOCS, "zbeside"));
  }

  /**
   * A commit never waits for another server's transaction on the same document: while another
   * session holds the document's advisory lock (as a commit in flight does), a batch of several
   * ops is answered CONFLICT at once, alone or in a group, and nothing of it is stored; a
   * document beside it in the group commits. (If it waited, the test would hang to its deadline.)
   */
  @Test
  void aCommitRacingAnotherOnTheSameDocumentConflictsAtOnceInsteadOfWaiting() throws Exception {
    try (Connection other = db.connect()) {
      other.setAutoCommit(false);
      try (var ps = other.prepareStatement("SELECT pg_advisory_xact_lock(quire_doc_lock(?, ?))")) {
        ps.setString(1, DOCS);
        ps.setString(2, "locked");
        ps.executeQuery().close();
      }
      assertEquals(dev.quire.server.store.CommitResult.CONFLICT,
          commit(edit("locked", 0, "alice", 1), edit("locked", 1, "alice", 2), edit("locked", 2, "alice", 3)));
      var results = postgres().groupCommit().writeTogether(List.of(
          List.of(edit("locked", 0, "bob", 1), edit("locked", 1, "bob", 2)), List.of(edit("free", 0, "carol", 1))));
      assertEquals(List.of(dev.quire.server.store.CommitResult.CONFLICT, COMMITTED),
          List.of(results.get(0).get(), results.get(1).get()));
      assertEquals(0, store.headVersion(DOCS, "locked"));
      other.rollback(); // the other transaction ends: its lock goes with it
    }
    assertEquals(COMMITTED, commit(edit("locked", 0, "alice", 1), edit("locked", 1, "alice", 2)));
    assertEquals(2, store.headVersion(DOCS, "locked"));
  }
}
