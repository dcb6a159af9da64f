package dev.quire.server.store;

import static dev.quire.server.store.CommitResult.COMMITTED;
import static dev.quire.server.store.CommitResult.CONFLICT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.store.StoredOp.Kind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DocumentStore} must do. A store's test extends this class and says how to get
 * a fresh, empty store (and, if its data outlives the object, how to reopen it); every test here
 * then runs against it. Modelled on ShareDB's {@code test/db.js}, which every ShareDB database
 * adapter runs.
 */
public abstract class DocumentStoreContract {
  protected static final String DOCS = "docs";
  protected static final String RICH_TEXT = "http://sharejs.org/types/rich-text/v1";

  protected DocumentStore store;

  /** A new store with no documents. Called before each test; the test closes it. */
  protected abstract DocumentStore newStore() throws Exception;

  /**
   * Closes {@code store} and opens the same data again. Stores whose data does not outlive the
   * object (an in-memory one) keep this default, which skips the durability test.
   */
  protected DocumentStore reopen(DocumentStore store) throws Exception {
    Assumptions.abort("this store keeps nothing once closed");
    return store;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  // ---- ops that are easy to tell apart ----

  protected static StoredOp create(String docId, long version, String src, long seq, long ts) {
    return new StoredOp(DOCS, docId, version, src, seq, Kind.CREATE, RICH_TEXT, "[]", ts);
  }

  protected static StoredOp edit(String docId, long version, String src, long seq, long ts) {
    String body = "[{\"retain\":" + version + "},{\"insert\":\"" + src + seq + "\"}]";
    return new StoredOp(DOCS, docId, version, src, seq, Kind.EDIT, null, body, ts);
  }

  protected static StoredOp edit(String docId, long version, String src, long seq) {
    return edit(docId, version, src, seq, 1_000 + version);
  }

  protected static StoredSnapshot snapshot(String docId, long version, String text, long ts) {
    String data = "[{\"insert\":\"" + text + "\\n\"}]";
    return new StoredSnapshot(DOCS, docId, version, RICH_TEXT, data, ts);
  }

  /** Commits {@code ops} to the document of the first. */
  protected CommitResult commit(StoredOp... ops) {
    return store.commit(ops[0].collection(), ops[0].docId(), List.of(ops));
  }

  /** Commits {@code count} edits by "alice" (seq = version) one by one, from {@code from}. */
  private void commitEdits(String docId, long from, int count) {
    for (long v = from; v < from + count; v++) {
      assertEquals(COMMITTED, commit(edit(docId, v, "alice", v)));
    }
  }

  // ---- an empty store ----

  @Test
  void aDocumentWithNoOpsHasHeadZeroAndNoOpsOrSnapshots() {
    assertEquals(0, store.headVersion(DOCS, "a"));
    assertEquals(List.of(), store.ops(DOCS, "a", 0, Long.MAX_VALUE));
    assertEquals(Optional.empty(), store.findBySource(DOCS, "a", "alice", 1));
    assertEquals(0, store.versionAt(DOCS, "a", Long.MAX_VALUE));
    assertEquals(Optional.empty(), store.snapshotAtOrBefore(DOCS, "a", Long.MAX_VALUE));
  }

  @Test
  void anOpenStoreIsHealthy() {
    assertTrue(store.isHealthy());
  }

  // ---- commit ----

  @Test
  void commitsAtTheHeadAreStoredAndReadBackExactly() {
    StoredOp created = create("a", 0, "alice", 1, 1_700_000_000_000L);
    // Non-ASCII text (accents, CJK, an emoji as a surrogate pair) and lone surrogates escaped
    // the way Quire's JSON writer escapes them: the stored text must come back char for char.
    String body = "[{\"insert\":\"h\u00e9llo \u4e16\u754c \ud83d\ude00 \\ud83d \\udc00x\"},"
        + "{\"insert\":\"\\n\",\"attributes\":{\"bold\":true}}]";
    StoredOp edited =
        new StoredOp(DOCS, "a", 1, "bob", 7, Kind.EDIT, null, body, 1_700_000_000_005L);
    StoredOp deleted =
        new StoredOp(DOCS, "a", 2, "carol", 3, Kind.DELETE, null, null, 1_700_000_000_009L);

    assertEquals(COMMITTED, commit(created));
    assertEquals(1, store.headVersion(DOCS, "a"));
    assertEquals(COMMITTED, commit(edited));
    assertEquals(COMMITTED, commit(deleted));

    assertEquals(3, store.headVersion(DOCS, "a"));
    List<StoredOp> read = store.ops(DOCS, "a", 0, 3);
    assertEquals(List.of(created, edited, deleted), read); // records: every field compared
    assertEquals(body, read.get(1).body());
  }

  @Test
  void aLargeOpIsStoredWhole() {
    String text = "x\u00e9\ud83d\ude00".repeat(100_000);
    StoredOp big = new StoredOp(
        DOCS, "a", 0, "alice", 1, Kind.CREATE, RICH_TEXT, "[{\"insert\":\"" + text + "\"}]", 5);
    assertEquals(COMMITTED, commit(big));
    assertEquals(List.of(big), store.ops(DOCS, "a", 0, 1));
  }

  @Test
  void aCommitAtAStaleVersionConflictsAndWritesNothing() {
    commitEdits("a", 0, 2);
    StoredOp stale = edit("a", 1, "bob", 1);
    assertEquals(CONFLICT, commit(stale));
    assertEquals(2, store.headVersion(DOCS, "a"));
    assertEquals(Optional.empty(), store.findBySource(DOCS, "a", "bob", 1));
    assertEquals("alice", store.ops(DOCS, "a", 1, 2).get(0).src());
  }

  @Test
  void aCommitPastTheHeadConflictsSoTheLogHasNoGaps() {
    commitEdits("a", 0, 2);
    assertEquals(CONFLICT, commit(edit("a", 3, "bob", 1)));
    assertEquals(CONFLICT, commit(edit("b", 1, "bob", 1)));
    assertEquals(2, store.headVersion(DOCS, "a"));
    assertEquals(0, store.headVersion(DOCS, "b"));
    assertEquals(List.of(), store.ops(DOCS, "a", 2, Long.MAX_VALUE));
  }

  @Test
  void aSourceAndSequenceAlreadyStoredConflictsAtTheRightVersion() {
    commitEdits("a", 0, 1); // alice#0 at version 0
    StoredOp resent = edit("a", 1, "alice", 0);
    assertEquals(CONFLICT, commit(resent));
    assertEquals(1, store.headVersion(DOCS, "a"));
    assertEquals(0, store.findBySource(DOCS, "a", "alice", 0).orElseThrow().version());
    // The store is still usable: the next op commits.
    assertEquals(COMMITTED, commit(edit("a", 1, "alice", 1)));
  }

  @Test
  void aGroupCommitIsAllOrNothing() {
    commitEdits("a", 0, 1); // alice#0
    // The third op was sent before (alice#0): the first two must not stay behind.
    List<StoredOp> batch = List.of(
        edit("a", 1, "bob", 1),
        edit("a", 2, "bob", 2),
        edit("a", 3, "alice", 0),
        edit("a", 4, "bob", 3));
    assertEquals(CONFLICT, store.commit(DOCS, "a", batch));
    assertEquals(1, store.headVersion(DOCS, "a"));
    assertEquals(List.of(), store.ops(DOCS, "a", 1, Long.MAX_VALUE));
    assertEquals(Optional.empty(), store.findBySource(DOCS, "a", "bob", 1));

    List<StoredOp> good =
        List.of(edit("a", 1, "bob", 1), edit("a", 2, "bob", 2), edit("a", 3, "bob", 3));
    assertEquals(COMMITTED, store.commit(DOCS, "a", good));
    assertEquals(4, store.headVersion(DOCS, "a"));
    assertEquals(good, store.ops(DOCS, "a", 1, 4));
  }

  @Test
  void aGroupCommitAtAStaleVersionWritesNothing() {
    commitEdits("a", 0, 2);
    List<StoredOp> batch = List.of(edit("a", 1, "bob", 1), edit("a", 2, "bob", 2));
    assertEquals(CONFLICT, store.commit(DOCS, "a", batch));
    assertEquals(2, store.headVersion(DOCS, "a"));
    assertEquals(Optional.empty(), store.findBySource(DOCS, "a", "bob", 2));
  }

  // ---- reads ----

  @Test
  void opsReturnsExactlyTheHalfOpenRange() {
    commitEdits("a", 0, 10);
    assertEquals(versions(0, 10), versionsOf(store.ops(DOCS, "a", 0, 10)));
    assertEquals(versions(3, 7), versionsOf(store.ops(DOCS, "a", 3, 7)));
    assertEquals(versions(8, 10), versionsOf(store.ops(DOCS, "a", 8, 100)));
    assertEquals(versions(0, 10), versionsOf(store.ops(DOCS, "a", 0, Long.MAX_VALUE)));
    assertEquals(List.of(), store.ops(DOCS, "a", 4, 4));
    assertEquals(List.of(), store.ops(DOCS, "a", 10, 20));
  }

  @Test
  void documentsAndCollectionsAreIndependent() {
    StoredOp inDocs = edit("a", 0, "alice", 1);
    StoredOp inOther = new StoredOp("other", "a", 0, "alice", 1, Kind.EDIT, null, "[]", 1);
    StoredOp inB = edit("b", 0, "alice", 1); // the same (src, seq) in another document is fine
    assertEquals(COMMITTED, commit(inDocs));
    assertEquals(COMMITTED, store.commit("other", "a", List.of(inOther)));
    assertEquals(COMMITTED, commit(inB));
    assertEquals(COMMITTED, commit(edit("b", 1, "bob", 1)));

    assertEquals(1, store.headVersion(DOCS, "a"));
    assertEquals(1, store.headVersion("other", "a"));
    assertEquals(2, store.headVersion(DOCS, "b"));
    assertEquals(List.of(inDocs), store.ops(DOCS, "a", 0, 10));
    assertEquals(List.of(inOther), store.ops("other", "a", 0, 10));
    assertEquals(Optional.of(inOther), store.findBySource("other", "a", "alice", 1));
    assertEquals(0, store.headVersion("other", "b"));
  }

  @Test
  void findBySourceFindsTheCommittedOpOfThatSubmitter() {
    StoredOp bobs = edit("a", 1, "bob", 42);
    commitEdits("a", 0, 1);
    assertEquals(COMMITTED, commit(bobs));
    assertEquals(Optional.of(bobs), store.findBySource(DOCS, "a", "bob", 42));
    assertEquals(Optional.empty(), store.findBySource(DOCS, "a", "bob", 41));
    assertEquals(Optional.empty(), store.findBySource(DOCS, "a", "carol", 42));
    assertEquals(Optional.empty(), store.findBySource(DOCS, "b", "bob", 42));
  }

  @Test
  void versionAtCountsTheOpsAtOrBeforeATime() {
    long[] times = {100, 100, 200, 300, 300, 300, 450};
    for (int v = 0; v < times.length; v++) {
      assertEquals(COMMITTED, commit(edit("a", v, "alice", v, times[v])));
    }
    assertEquals(0, store.versionAt(DOCS, "a", Long.MIN_VALUE));
    assertEquals(0, store.versionAt(DOCS, "a", 99));
    assertEquals(2, store.versionAt(DOCS, "a", 100));
    assertEquals(2, store.versionAt(DOCS, "a", 199));
    assertEquals(3, store.versionAt(DOCS, "a", 200));
    assertEquals(6, store.versionAt(DOCS, "a", 300));
    assertEquals(6, store.versionAt(DOCS, "a", 449));
    assertEquals(7, store.versionAt(DOCS, "a", 450));
    assertEquals(7, store.versionAt(DOCS, "a", Long.MAX_VALUE));
    assertEquals(0, store.versionAt(DOCS, "b", Long.MAX_VALUE));
  }

  // ---- snapshots ----

  @Test
  void snapshotAtOrBeforePicksTheNewestAtOrBeforeTheVersion() {
    StoredSnapshot v0 = new StoredSnapshot(DOCS, "a", 0, null, null, 0);
    StoredSnapshot v5 = snapshot("a", 5, "five", 50);
    StoredSnapshot v10 = snapshot("a", 10, "ten", 90);
    store.writeSnapshot(v10); // order of writing does not matter
    store.writeSnapshot(v0);
    store.writeSnapshot(v5);

    assertEquals(Optional.of(v0), store.snapshotAtOrBefore(DOCS, "a", 0));
    assertEquals(Optional.of(v0), store.snapshotAtOrBefore(DOCS, "a", 4));
    assertEquals(Optional.of(v5), store.snapshotAtOrBefore(DOCS, "a", 5));
    assertEquals(Optional.of(v5), store.snapshotAtOrBefore(DOCS, "a", 9));
    assertEquals(Optional.of(v10), store.snapshotAtOrBefore(DOCS, "a", 10));
    assertEquals(Optional.of(v10), store.snapshotAtOrBefore(DOCS, "a", Long.MAX_VALUE));
    assertEquals(Optional.empty(), store.snapshotAtOrBefore(DOCS, "b", Long.MAX_VALUE));
    assertEquals(Optional.empty(), store.snapshotAtOrBefore("other", "a", Long.MAX_VALUE));
  }

  @Test
  void thereIsNoSnapshotBeforeTheFirstStoredOne() {
    store.writeSnapshot(snapshot("a", 5, "five", 50));
    assertEquals(Optional.empty(), store.snapshotAtOrBefore(DOCS, "a", 4));
  }

  @Test
  void writingASnapshotAgainKeepsTheFirst() {
    StoredSnapshot first = snapshot("a", 5, "first", 50);
    store.writeSnapshot(first);
    store.writeSnapshot(first);
    store.writeSnapshot(snapshot("a", 5, "second", 51));
    assertEquals(Optional.of(first), store.snapshotAtOrBefore(DOCS, "a", 5));
  }

  @Test
  void aDeletedDocumentsSnapshotHasNoTypeAndNoData() {
    StoredSnapshot deleted = new StoredSnapshot(DOCS, "a", 3, null, null, 30);
    store.writeSnapshot(deleted);
    StoredSnapshot read = store.snapshotAtOrBefore(DOCS, "a", 3).orElseThrow();
    assertEquals(deleted, read);
    assertEquals(null, read.type());
    assertEquals(null, read.data());
  }

  // ---- durability ----

  @Test
  void reopeningKeepsEveryOpAndSnapshot() throws Exception {
    commitEdits("a", 0, 5);
    StoredSnapshot snap = snapshot("a", 3, "three", 1_003);
    store.writeSnapshot(snap);
    List<StoredOp> before = store.ops(DOCS, "a", 0, 5);

    store = reopen(store);

    assertEquals(5, store.headVersion(DOCS, "a"));
    assertEquals(before, store.ops(DOCS, "a", 0, 5));
    assertEquals(Optional.of(snap), store.snapshotAtOrBefore(DOCS, "a", 4));
    assertEquals(before.get(2), store.findBySource(DOCS, "a", "alice", 2).orElseThrow());
    // The fences survive too.
    assertEquals(CONFLICT, commit(edit("a", 4, "bob", 1)));
    assertEquals(CONFLICT, commit(edit("a", 5, "alice", 1)));
    assertEquals(COMMITTED, commit(edit("a", 5, "bob", 1)));
  }

  // ---- concurrency ----

  @Test
  void racingCommittersLeaveADenseLogWithEveryOpOnce() throws Exception {
    int threads = 4;
    int opsPerThread = 200;
    int total = threads * opsPerThread;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> clients = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String src = "client" + t;
        clients.add(pool.submit(() -> {
          start.await();
          for (long seq = 0; seq < opsPerThread; seq++) {
            // What a sequencer does: read the head, try to commit there, re-read on conflict.
            // A try loses to a commit that succeeded or (PostgreSQL: the document's advisory
            // lock, whose losers do not wait) to one still in flight, so losses are not bounded
            // by the commits; this generous bound, with the deadline below, only catches a livelock.
            int tries = 0;
            while (commit(edit("hot", store.headVersion(DOCS, "hot"), src, seq)) != COMMITTED) {
              assertTrue(++tries < 100 * total, src + "#" + seq + " never committed");
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : clients) {
        f.get(60, TimeUnit.SECONDS); // a deadline, not a timing assertion
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(total, store.headVersion(DOCS, "hot"));
    List<StoredOp> log = store.ops(DOCS, "hot", 0, Long.MAX_VALUE);
    assertEquals(versions(0, total), versionsOf(log));
    Set<String> sources = new HashSet<>();
    for (StoredOp op : log) {
      assertTrue(sources.add(op.src() + "#" + op.seq()), "stored twice: " + op);
    }
    assertEquals(total, sources.size());
    for (int t = 0; t < threads; t++) {
      // Each client's ops landed in the order it sent them.
      String src = "client" + t;
      List<Long> seqs =
          log.stream().filter(op -> op.src().equals(src)).map(StoredOp::seq).toList();
      assertEquals(versions(0, opsPerThread), seqs);
    }
  }

  // ---- arguments ----

  @Test
  void anEmptyCommitIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> store.commit(DOCS, "a", List.of()));
  }

  @Test
  void aCommitWithNonConsecutiveVersionsIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> commit(edit("a", 0, "bob", 1), edit("a", 2, "bob", 2)));
    assertThrows(IllegalArgumentException.class,
        () -> commit(edit("a", 1, "bob", 1), edit("a", 0, "bob", 2)));
    assertEquals(0, store.headVersion(DOCS, "a"));
  }

  @Test
  void aCommitOfAnotherDocumentsOpIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> store.commit(DOCS, "a", List.of(edit("b", 0, "bob", 1))));
    StoredOp otherCollection = new StoredOp("other", "a", 1, "bob", 2, Kind.EDIT, null, "[]", 1);
    assertThrows(IllegalArgumentException.class,
        () -> commit(edit("a", 0, "bob", 1), otherCollection));
    assertEquals(0, store.headVersion(DOCS, "a"));
    assertEquals(0, store.headVersion(DOCS, "b"));
  }

  @Test
  void anInvalidRangeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> store.ops(DOCS, "a", -1, 3));
    assertThrows(IllegalArgumentException.class, () -> store.ops(DOCS, "a", 5, 4));
    assertThrows(IllegalArgumentException.class, () -> store.snapshotAtOrBefore(DOCS, "a", -1));
  }

  // ---- closing ----

  @Test
  void aClosedStoreIsNotHealthyAndRefusesWork() {
    store.close();
    assertFalse(store.isHealthy());
    assertThrows(StoreException.class, () -> store.headVersion(DOCS, "a"));
    assertThrows(StoreException.class, () -> commit(edit("a", 0, "bob", 1)));
    store.close(); // closing twice does nothing
  }

  private static List<Long> versions(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }

  private static List<Long> versionsOf(List<StoredOp> ops) {
    return ops.stream().map(StoredOp::version).toList();
  }
}
