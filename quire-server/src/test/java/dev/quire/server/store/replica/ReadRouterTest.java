package dev.quire.server.store.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.ot.RichText;
import dev.quire.server.collab.HistoryReads;
import dev.quire.server.metrics.ServerMetrics;
import dev.quire.server.store.CommitResult;
import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredOp.Kind;
import dev.quire.server.store.postgres.PostgresStore;
import dev.quire.server.testing.Await;
import dev.quire.server.testing.Seeds;
import dev.quire.server.testing.ThrowawayPostgres;
import dev.quire.server.testing.ThrowawayReplication;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read router against a real primary and a real streaming replica of it (pg_basebackup, on
 * ports of their own): reads go to the replica when it is fresh, to the primary when it is not
 * (replay paused) or down (stopped), and no reader ever reads an older version than they saw.
 */
class ReadRouterTest {
  private static final String DOCS = "docs";
  private static final AtomicLong DOC_IDS = new AtomicLong();

  private static ThrowawayReplication cluster;
  private static ThrowawayPostgres replica;
  private static PostgresStore store;

  private SimpleMeterRegistry meters;
  private ReadRouter router;
  private HistoryReads history;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ThrowawayReplication.start();
    replica = cluster.replica();
    store = PostgresStore.open(cluster.primary().url()); // migrates; the replica gets the schema by replication
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (store != null) {
      store.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void openRouter() {
    meters = new SimpleMeterRegistry();
    router = ReadRouter.open(store, List.of(replica.url()), new ServerMetrics(meters));
    history = new HistoryReads(router);
    Await.until(() -> router.replicasUp().get("replica-1"), "the replica answers a poll");
  }

  @AfterEach
  void closeRouter() throws Exception {
    router.close();
    replica.resumeReplay();
  }

  @Test
  void historyAndListingsAreReadFromTheReplicaOnceItHasCaughtUp() {
    String doc = newDocument(5);
    // The reader has seen nothing yet, so only the document's version decides; it arrives by
    // replication within moments.
    Await.until(() -> {
      HistoryReads.Answer a = history.atVersion("ann", DOCS, doc, 3);
      assertEquals("[{\"insert\":\"ab\\n\"}]", text(a)); // exact wherever it was read
      return reads("history", "replica") > 0;
    }, "a history read served by the replica");
    double before = reads("list", "replica");
    Await.until(() -> {
      router.catalog().list(new DocumentCatalog.Query(null, DocumentCatalog.Sort.RECENT, false, 10, "ann"));
      return reads("list", "replica") > before;
    }, "a listing served by the replica");
  }

  @Test
  void withReplayPausedAReadOfTheNewestVersionGoesToThePrimaryAndReturnsIt() throws Exception {
    String doc = newDocument(3);
    Await.until(() -> history.atVersion("bob", DOCS, doc, 3).state() != null && reads("history", "replica") > 0,
        "the replica serves the document");
    replica.pauseReplay();
    commitEdits(doc, 3, 4); // versions 3..6: the replica stops at 3
    router.wrote("bob");
    double primaryBefore = reads("history", "primary");

    HistoryReads.Answer a = history.atVersion("bob", DOCS, doc, 7);
    assertEquals(7, a.head());
    assertEquals("[{\"insert\":\"abcdef\\n\"}]", text(a));
    assertEquals(primaryBefore + 1, reads("history", "primary"), "the newest version came from the primary");
    // A reader who has seen nothing new is still served the old versions by the paused replica.
    history.atVersion("carol", DOCS, doc, 2);
    assertTrue(reads("history", "replica") >= 2);
  }

  @Test
  void aReaderNeverReadsAVersionOlderThanOneTheySawWhileReplayPausesAndResumesAtRandom() throws Exception {
    long seed = Seeds.choose("ReadRouterTest.neverOlderThanSeen");
    Random random = new Random(seed);
    String doc = newDocument(1);
    String other = newDocument(1);
    long head = 1;
    long otherHead = 1;
    long seen = 0;
    boolean paused = false;
    for (int step = 0; step < 400; step++) {
      int what = random.nextInt(10);
      if (what < 3) {
        commitEdits(doc, head, 1);
        head++;
        router.wrote("dan");
        seen = head; // their own write
      } else if (what < 5) {
        commitEdits(other, otherHead, 1); // someone else's write: WAL the replica may lag on
        otherHead++;
      } else if (what == 5) {
        if (paused) {
          replica.resumeReplay();
        } else {
          replica.pauseReplay();
        }
        paused = !paused;
      } else if (what == 6 && !paused) {
        // Let replication catch up, so that the replica serves reads too and the rule is checked
        // on its answers, not only on the primary's.
        long seenBefore = seen;
        double replicaBefore = reads("test", "replica");
        int at = step;
        Await.until(() -> {
          long v = router.read("dan", "test", source -> source.store().headVersion(DOCS, doc));
          assertTrue(v >= seenBefore, "seed " + seed + ", step " + at + ": read version " + v + " after seeing " + seenBefore);
          return reads("test", "replica") > replicaBefore;
        }, "the caught-up replica serves a read");
        seen = router.read("dan", "test", source -> source.store().headVersion(DOCS, doc));
        assertTrue(seen >= seenBefore, "seed " + seed + ", step " + step + ": went back to " + seen);
      } else {
        // The newest version as the router's chosen source has it; only the WAL position rule
        // stands between a lagging replica and an older answer here.
        long v = router.read("dan", "test", source -> source.store().headVersion(DOCS, doc));
        assertTrue(v >= seen, "seed " + seed + ", step " + step + ": read version " + v + " after seeing " + seen);
        seen = v;
      }
    }
    System.out.println("ReadRouterTest.neverOlderThanSeen: " + reads("test", "replica") + " reads from the replica, "
        + reads("test", "primary") + " from the primary");
    assertTrue(reads("test", "primary") > 0, "seed " + seed + ": some reads needed the primary");
    assertTrue(reads("test", "replica") > 0, "seed " + seed + ": some reads were served by the replica");
  }

  @Test
  void aStoppedReplicaFailsNoReadAndServesAgainOnceItIsBack() throws Exception {
    String doc = newDocument(4);
    Await.until(() -> history.atVersion("eve", DOCS, doc, 4).state() != null && reads("history", "replica") > 0,
        "the replica serves the document");
    replica.stopImmediately();
    try {
      for (int i = 0; i < 20; i++) {
        HistoryReads.Answer a = history.atVersion("eve", DOCS, doc, 1 + i % 4);
        assertEquals(1 + i % 4, a.state().version());
        router.catalog().list(new DocumentCatalog.Query(null, DocumentCatalog.Sort.NAME, false, 5, "eve"));
        assertEquals(4, router.store().readForOpen(DOCS, doc).version());
      }
      assertTrue(reads("history", "primary") >= 20, "every history read was answered by the primary");
    } finally {
      replica.startAgain();
    }
    double before = reads("history", "replica");
    Await.until(() -> {
      history.atVersion("eve", DOCS, doc, 2);
      return reads("history", "replica") > before;
    }, "the replica, back, serves reads again");
  }

  @Test
  void anOpenReadsTheReplicaAndOnlyTheNewestOpsFromThePrimary() throws Exception {
    String doc = newDocument(6);
    DocumentStore opening = router.store();
    Await.until(() -> {
      assertEquals(store.readForOpen(DOCS, doc), opening.readForOpen(DOCS, doc));
      return reads("open", "replica") > 0;
    }, "an open served by the replica");
    replica.pauseReplay();
    commitEdits(doc, 6, 3);
    DocumentStore.Opening o = opening.readForOpen(DOCS, doc);
    assertEquals(9, o.version(), "the ops the paused replica lacks came from the primary");
    assertEquals(store.readForOpen(DOCS, doc), o);
  }

  // ---- helpers ----

  /** A document with {@code versions} ops: a create, then edits appending "a", "b", … before its final newline. */
  private static String newDocument(int versions) {
    String doc = "d" + DOC_IDS.incrementAndGet();
    long ts = System.currentTimeMillis();
    StoredOp create = new StoredOp(DOCS, doc, 0, "t", 0, Kind.CREATE, RichText.URI, "[{\"insert\":\"\\n\"}]", ts);
    assertEquals(CommitResult.COMMITTED, store.commit(DOCS, doc, List.of(create)));
    commitEdits(doc, 1, versions - 1);
    return doc;
  }

  /** Commits {@code n} edits from version {@code from} on; version v's edit appends the v-th letter (a for 1). */
  private static void commitEdits(String doc, long from, int n) {
    for (long v = from; v < from + n; v++) {
      String insert = "{\"insert\":\"" + (char) ('a' + (v - 1) % 26) + "\"}";
      String body = v == 1 ? "[" + insert + "]" : "[{\"retain\":" + (v - 1) + "}," + insert + "]";
      StoredOp edit = new StoredOp(DOCS, doc, v, "t", v, Kind.EDIT, null, body, System.currentTimeMillis());
      assertEquals(CommitResult.COMMITTED, store.commit(DOCS, doc, List.of(edit)));
    }
  }

  private static String text(HistoryReads.Answer a) {
    return dev.quire.ot.json.DeltaJson.write(a.state().data());
  }

  private double reads(String kind, String target) {
    return meters.find("quire.replica.reads").tags("read", kind, "target", target).counters().stream()
        .mapToDouble(Counter::count).sum();
  }
}
