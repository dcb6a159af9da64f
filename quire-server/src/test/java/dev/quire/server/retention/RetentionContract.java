package dev.quire.server.retention;

import static dev.quire.server.store.CommitResult.COMMITTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quire.server.collab.History;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.OpsCompactedException;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredOp.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the op-log retention policy must do on every store: a store's test extends this and says
 * how to get a fresh, empty store. Time is a fixed clock: op {@code v} is committed at
 * {@code v * 1000} ms, so "older than the retention" is a choice of the clock, never a wait.
 */
public abstract class RetentionContract {
  protected static final String DOCS = "docs";
  static final String RICH_TEXT = "http://sharejs.org/types/rich-text/v1";
  static final int INTERVAL = 100;
  static final Duration RETENTION = Duration.ofHours(1);

  protected DocumentStore store;
  private History history;

  /** A new store with no documents. Called before each test; the test closes it. */
  protected abstract DocumentStore newStore() throws Exception;

  /**
   * Another store on the same data, as a second server would open it (the caller closes it).
   * Stores that cannot be opened twice answer the same store.
   */
  protected DocumentStore secondServer() throws Exception {
    return store;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
    history = new History(store);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  // ---- a document's history: op v at time v * 1000 ----

  private static long time(long version) {
    return version * 1000;
  }

  /**
   * Version 0 creates the document; then each op inserts its version's number at the start, but
   * op {@code deleteAt} deletes the document and the next creates it again.
   */
  private void write(String docId, int ops, int deleteAt) {
    write(docId, ops, deleteAt, 0);
  }

  /** {@link #write(String, int, int)} with every op {@code later} ms later. */
  private void write(String docId, int ops, int deleteAt, long later) {
    List<StoredOp> batch = new ArrayList<>();
    for (int v = 0; v < ops; v++) {
      StoredOp op;
      if (v == 0 || v == deleteAt + 1) {
        op = new StoredOp(DOCS, docId, v, "author", v, Kind.CREATE, RICH_TEXT, "[{\"insert\":\"" + v + "\\n\"}]", later + time(v));
      } else if (v == deleteAt) {
        op = new StoredOp(DOCS, docId, v, "author", v, Kind.DELETE, null, null, later + time(v));
      } else {
        op = new StoredOp(DOCS, docId, v, "author", v, Kind.EDIT, null, "[{\"insert\":\"" + v + " \"}]", later + time(v));
      }
      batch.add(op);
      if (batch.size() == 50 || v == ops - 1) {
        assertEquals(COMMITTED, store.commit(DOCS, docId, batch));
        batch = new ArrayList<>();
      }
    }
  }

  /** A compactor whose clock makes the ops up to {@code lastOld} (inclusive) older than the retention. */
  private Compactor compactorOn(DocumentStore on, long lastOld) {
    return compactorOn(on, lastOld, INTERVAL);
  }

  private Compactor compactorOn(DocumentStore on, long lastOld, int interval) {
    Instant now = Instant.ofEpochMilli(time(lastOld) + RETENTION.toMillis());
    return new Compactor(on, Clock.fixed(now, ZoneOffset.UTC), RETENTION, interval);
  }

  private Map<Long, History.State> states(String docId, long... versions) {
    Map<Long, History.State> out = new LinkedHashMap<>();
    for (long v : versions) {
      out.put(v, history.at(DOCS, docId, v));
    }
    return out;
  }

  private static long[] boundariesAndHead(long head) {
    List<Long> vs = new ArrayList<>();
    for (long b = 0; b < head; b += INTERVAL) {
      vs.add(b);
    }
    vs.add(head);
    return vs.stream().mapToLong(Long::longValue).toArray();
  }

  // ---- the tests ----

  @Test
  void opsYoungerThanTheRetentionAreAllKept() {
    write("young", 350, -1);
    Compactor.Pass pass = new Compactor(store, Clock.fixed(Instant.ofEpochMilli(time(349)), ZoneOffset.UTC),
        RETENTION, INTERVAL).runOnce();
    assertEquals(0, pass.opsDeleted());
    assertEquals(350, store.ops(DOCS, "young", 0, 350).size());
  }

  @Test
  void afterCompactionTheHistoryAtEveryKeptSnapshotAndTheHeadIsUnchanged() {
    write("a", 1050, 499);
    long[] kept = boundariesAndHead(1050);
    Map<Long, History.State> before = states("a", kept);

    Compactor.Pass pass = compactorOn(store, 777).runOnce(); // ops 0..777 are old: the cut is 700

    assertEquals(700, pass.opsDeleted());
    assertEquals(before, states("a", kept));
    assertNull(history.at(DOCS, "a", 500).type(), "the document was deleted by op 499");
    assertEquals(1050, store.headVersion(DOCS, "a"));
  }

  @Test
  void readingOpsBelowTheCutIsRefusedNeverAPartialList() {
    write("a", 1050, -1);
    compactorOn(store, 777).runOnce();

    OpsCompactedException e = assertThrows(OpsCompactedException.class, () -> store.ops(DOCS, "a", 0, 10));
    assertEquals(700, e.oldestKept());
    assertThrows(OpsCompactedException.class, () -> store.ops(DOCS, "a", 699, 701));
    assertThrows(OpsCompactedException.class, () -> store.ops(DOCS, "a", 699, Long.MAX_VALUE));
    assertEquals(1, store.ops(DOCS, "a", 700, 701).size());
    assertEquals(List.of(), store.ops(DOCS, "a", 1050, Long.MAX_VALUE));
    assertEquals(List.of(), store.ops(DOCS, "never-written", 0, Long.MAX_VALUE));
  }

  @Test
  void aVersionBetweenKeptSnapshotsIsServedAsTheNearestKeptOneAtOrBeforeIt() {
    write("a", 1050, -1);
    Map<Long, History.State> before = states("a", 0, 600, 750);
    compactorOn(store, 777).runOnce();

    assertEquals(before.get(600L), history.at(DOCS, "a", 650));
    assertEquals(before.get(0L), history.at(DOCS, "a", 50));
    assertEquals(before.get(750L), history.at(DOCS, "a", 750), "at or after the cut: exact");
    // By time: op 650 was committed at 650 s; the newest kept snapshot by then is 600's.
    assertEquals(600, store.versionAt(DOCS, "a", time(650)));
    assertEquals(751, store.versionAt(DOCS, "a", time(750)));
  }

  @Test
  void newOpsStillCommitAfterCompaction() {
    write("a", 1050, -1);
    compactorOn(store, 1049).runOnce();
    StoredOp next = new StoredOp(DOCS, "a", 1050, "author", 1050, Kind.EDIT, null, "[{\"insert\":\"x\"}]", time(1050));

    assertEquals(COMMITTED, store.commit(DOCS, "a", List.of(next)));
    assertEquals(1051, store.headVersion(DOCS, "a"));
    assertEquals(List.of(next), store.ops(DOCS, "a", 1050, 1051));
  }

  @Test
  void theOpsAfterTheNewestKeptSnapshotStayEvenWhenAllAreOld() {
    write("a", 300, -1);
    Map<Long, History.State> before = states("a", 300);

    assertEquals(200, compactorOn(store, 10_000).runOnce().opsDeleted());

    assertEquals(300, store.headVersion(DOCS, "a"), "the head is read from the log: its last op stays");
    assertEquals(100, store.ops(DOCS, "a", 200, 300).size());
    assertEquals(before, states("a", 300));
  }

  @Test
  void onlyDocumentsWithOldOpsAreCompacted() {
    write("old", 1050, -1);
    write("young", 1050, -1, time(10_000)); // ops at 10,000 s and after

    Compactor.Pass pass = compactorOn(store, 777).runOnce();

    assertEquals(1, pass.documents());
    assertThrows(OpsCompactedException.class, () -> store.ops(DOCS, "old", 0, 1));
    assertEquals(1050, store.ops(DOCS, "young", 0, 1050).size());
  }

  @Test
  void anotherIntervalLaterKeepsTheSnapshotsKeptBefore() {
    write("a", 1050, -1);
    long[] kept = {0, 100, 200, 300, 400, 500, 600, 700, 900, 1050};
    Map<Long, History.State> before = states("a", kept);
    compactorOn(store, 777).runOnce(); // every 100 up to 700

    // Ops 0..1000 old at every 300: the cut moves from 700 to 900, with a snapshot made at 900.
    assertEquals(200, compactorOn(store, 1000, 300).runOnce().opsDeleted());

    assertEquals(before, states("a", kept));
    assertEquals(before.get(700L), history.at(DOCS, "a", 899), "between 700 and 900 nothing else is kept");
  }

  @Test
  void compactingAgainOrFromTwoServersAtOnceDeletesNothingMore() throws Exception {
    write("a", 1050, 499);
    long[] kept = boundariesAndHead(1050);
    Map<Long, History.State> before = states("a", kept);
    DocumentStore other = secondServer();
    try {
      CompletableFuture<Compactor.Pass> one = CompletableFuture.supplyAsync(() -> compactorOn(store, 777).runOnce());
      CompletableFuture<Compactor.Pass> two = CompletableFuture.supplyAsync(() -> compactorOn(other, 777).runOnce());
      assertEquals(700, one.get().opsDeleted() + two.get().opsDeleted());
      assertEquals(0, one.get().failures() + two.get().failures());
    } finally {
      if (other != store) {
        other.close();
      }
    }
    Compactor.Pass again = compactorOn(store, 777).runOnce();
    assertEquals(0, again.opsDeleted());
    assertEquals(0, again.documents(), "a document compacted as far as it can be is not even looked at");
    assertEquals(before, states("a", kept));
  }
}
