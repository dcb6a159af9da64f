package dev.quire.server.collab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.ot.Delta;
import dev.quire.ot.OtLimits;
import dev.quire.server.bus.InProcessBus;
import dev.quire.server.metrics.ServerMetrics;
import dev.quire.server.store.CommitResult;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.StoreException;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client whose connection fails resends its inflight op, with the same {@code (src, seq)}, on
 * its new connection. When the first copy has not been committed yet, both copies can wait in
 * the sequencer's queue together; found by the randomized convergence test (16 clients, frequent
 * reconnects), where refusing the second copy made the sharedb client roll back and drop the
 * user's pending edits.
 */
class ResentOpTest {
  @TempDir Path dir;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final ExecutorService storePool = Executors.newSingleThreadExecutor();
  private final java.util.concurrent.ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopPools() {
    pool.shutdownNow();
    storePool.shutdownNow();
    timers.shutdownNow();
  }

  /** A connection: the messages sent to it, and how its one submission ended. */
  private static final class Client implements Subscriber, Submission.Reply {
    final String src;
    final List<String> messages = new ArrayList<>();
    final CompletableFuture<String> outcome = new CompletableFuture<>();

    Client(String src) {
      this.src = src;
    }

    @Override
    public String src() {
      return src;
    }

    @Override
    public synchronized void send(String message) {
      messages.add(message);
    }

    @Override
    public synchronized void acked(long version) {
      messages.add("ack " + version);
      outcome.complete("ack " + version);
    }

    @Override
    public void rejected(String code, String message) {
      outcome.complete(code);
    }

    @Override
    public void unavailable() {
      outcome.complete("unavailable");
    }

    synchronized List<String> messages() {
      return List.copyOf(messages);
    }
  }

  @Test
  void aCopyResentWhileTheFirstIsQueuedIsAcknowledgedWithTheFirstsVersion() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir); InProcessBus bus = new InProcessBus()) {
      DocumentSequencer doc = new DocumentSequencer("docs", "d", store, bus, pool, storePool, timers,
          new SequencerSettings(OtLimits.NONE, 256, 20, 100, 1000), Clock.systemUTC(), new CommitTracker(),
          ServerMetrics.disabled());
      Client b = new Client("B");
      doc.actor.execute(() -> {
        doc.ensureLoaded();
        doc.submit(new Submission(b, "B", 1, null, StoredOp.Kind.CREATE, new Delta().insert("ab"), b));
      });
      assertEquals("ack 0", b.outcome.get(10, TimeUnit.SECONDS));

      Client other = new Client("B");
      Client first = new Client("A");
      Client resent = new Client("A"); // same src: the client kept its id across the reconnect
      Delta x = new Delta().retain(2).insert("X");
      // One actor task: B's op goes to the store, both copies of A's op queue behind it.
      doc.actor.execute(() -> {
        doc.submit(new Submission(other, "B", 2, 1L, StoredOp.Kind.EDIT, new Delta().insert("Y"), other));
        doc.submit(new Submission(first, "A", 7, 1L, StoredOp.Kind.EDIT, x, first));
        doc.submit(new Submission(resent, "A", 7, 1L, StoredOp.Kind.EDIT, x, resent));
      });

      assertEquals("ack 1", other.outcome.get(10, TimeUnit.SECONDS));
      assertEquals("ack 2", first.outcome.get(10, TimeUnit.SECONDS));
      assertEquals("ack 2", resent.outcome.get(10, TimeUnit.SECONDS));
      assertEquals(3, store.headVersion("docs", "d"), "committed once");
      // The resent copy's client missed B's op too: it comes before the ack.
      List<String> got = resent.messages();
      assertEquals(2, got.size(), got::toString);
      assertTrue(got.get(0).contains("\"v\":1") && got.get(0).contains("\"src\":\"B\""), got::toString);
      assertEquals("ack 2", got.get(1));
    }
  }

  /**
   * When the store fails during a commit, the op is neither acknowledged nor refused (a refusal
   * makes the client roll back the person's typing): the submitter is told the store is
   * unavailable, which closes its connection, and the same op resent afterwards is committed once.
   */
  @Test
  void aStoreFailureLeavesTheOpToBeResentNotRefused() throws Exception {
    try (SqliteStore real = SqliteStore.open(dir); InProcessBus bus = new InProcessBus()) {
      java.util.concurrent.atomic.AtomicBoolean failNext = new java.util.concurrent.atomic.AtomicBoolean();
      DocumentStore store = new FailingStore(real, failNext);
      DocumentSequencer doc = new DocumentSequencer("docs", "d", store, bus, pool, storePool, timers,
          new SequencerSettings(OtLimits.NONE, 256, 20, 100, 1000), Clock.systemUTC(), new CommitTracker(),
          ServerMetrics.disabled());
      Client a = new Client("A");
      doc.actor.execute(() -> {
        doc.ensureLoaded();
        doc.submit(new Submission(a, "A", 1, null, StoredOp.Kind.CREATE, new Delta().insert("ab"), a));
      });
      assertEquals("ack 0", a.outcome.get(10, TimeUnit.SECONDS));

      failNext.set(true);
      Client first = new Client("A");
      Delta x = new Delta().retain(2).insert("X");
      doc.actor.execute(() -> doc.submit(new Submission(first, "A", 2, 1L, StoredOp.Kind.EDIT, x, first)));
      assertEquals("unavailable", first.outcome.get(10, TimeUnit.SECONDS));
      assertEquals(1, real.headVersion("docs", "d"), "nothing was committed");

      Client resent = new Client("A");
      doc.actor.execute(() -> doc.submit(new Submission(resent, "A", 2, 1L, StoredOp.Kind.EDIT, x, resent)));
      assertEquals("ack 1", resent.outcome.get(10, TimeUnit.SECONDS));
      assertEquals(2, real.headVersion("docs", "d"), "committed once");
    }
  }

  /**
   * Two servers share a store but this one has not yet received the other's latest op (the bus is
   * slower than the client): a client that reconnected here from the other server submits at the
   * newer version. The server reads the op it missed from the store and commits; it does not
   * refuse the op as "from the future" (which makes the client roll back).
   */
  @Test
  void anOpBasedOnAVersionThisServerHasNotSeenYetIsCommittedAfterCatchingUp() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir); InProcessBus busA = new InProcessBus();
        InProcessBus busB = new InProcessBus()) { // separate buses: B hears nothing from A
      SequencerSettings settings = new SequencerSettings(OtLimits.NONE, 256, 20, 100, 1000);
      DocumentSequencer a = new DocumentSequencer("docs", "d", store, busA, pool, storePool, timers, settings,
          Clock.systemUTC(), new CommitTracker(), ServerMetrics.disabled());
      DocumentSequencer b = new DocumentSequencer("docs", "d", store, busB, pool, storePool, timers, settings,
          Clock.systemUTC(), new CommitTracker(), ServerMetrics.disabled());
      Client creator = new Client("C");
      a.actor.execute(() -> {
        a.ensureLoaded();
        a.submit(new Submission(creator, "C", 1, null, StoredOp.Kind.CREATE, new Delta().insert("ab"), creator));
      });
      assertEquals("ack 0", creator.outcome.get(10, TimeUnit.SECONDS));
      b.actor.execute(b::ensureLoaded); // B is at version 1

      Client onA = new Client("C");
      a.actor.execute(() -> a.submit(new Submission(onA, "C", 2, 1L, StoredOp.Kind.EDIT,
          new Delta().retain(2).insert("X"), onA)));
      assertEquals("ack 1", onA.outcome.get(10, TimeUnit.SECONDS)); // the store is at version 2

      Client moved = new Client("C"); // the same client, now connected to B, knows version 2
      b.actor.execute(() -> b.submit(new Submission(moved, "C", 3, 2L, StoredOp.Kind.EDIT,
          new Delta().retain(3).insert("Y"), moved)));
      assertEquals("ack 2", moved.outcome.get(10, TimeUnit.SECONDS));
      assertEquals(3, store.headVersion("docs", "d"));
    }
  }

  /** The embedded store, whose next commit fails when asked to (as a lost database would). */
  private static final class FailingStore extends dev.quire.server.testing.DelegatingStore {
    private final java.util.concurrent.atomic.AtomicBoolean failNext;

    FailingStore(DocumentStore real, java.util.concurrent.atomic.AtomicBoolean failNext) {
      super(real);
      this.failNext = failNext;
    }

    @Override
    public CommitResult commit(String collection, String docId, List<StoredOp> ops) {
      if (failNext.getAndSet(false)) {
        throw new StoreException("the disk went away", null);
      }
      return real.commit(collection, docId, ops);
    }
  }

  /**
   * Before its ack, a submitter gets the ops committed after the version its op was based on —
   * once. A subscribed submitter has them already through the broadcast, so they are not sent
   * again (the reference sends each twice); one that only fetched gets them as catch-up.
   */
  @Test
  void theOpsBeforeAnAckReachTheSubmitterExactlyOnce() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir); InProcessBus bus = new InProcessBus()) {
      DocumentSequencer doc = new DocumentSequencer("docs", "d", store, bus, pool, storePool, timers,
          new SequencerSettings(OtLimits.NONE, 256, 20, 100, 1000), Clock.systemUTC(), new CommitTracker(),
          ServerMetrics.disabled());
      Client creator = new Client("C");
      doc.actor.execute(() -> {
        doc.ensureLoaded();
        doc.submit(new Submission(creator, "C", 1, null, StoredOp.Kind.CREATE, new Delta().insert("ab"), creator));
      });
      assertEquals("ack 0", creator.outcome.get(10, TimeUnit.SECONDS));

      Client subscribed = new Client("S");
      Client fetchedOnly = new Client("F");
      Client first = new Client("X");
      doc.actor.execute(() -> doc.subscribe(subscribed)); // at version 1
      doc.actor.execute(() -> doc.submit(new Submission(first, "X", 1, 1L, StoredOp.Kind.EDIT, new Delta().insert("X"), first)));
      assertEquals("ack 1", first.outcome.get(10, TimeUnit.SECONDS));
      // Both based on version 1, behind X's op (version 1).
      doc.actor.execute(() -> {
        doc.submit(new Submission(subscribed, "S", 1, 1L, StoredOp.Kind.EDIT, new Delta().insert("S"), subscribed));
        doc.submit(new Submission(fetchedOnly, "F", 1, 1L, StoredOp.Kind.EDIT, new Delta().insert("F"), fetchedOnly));
      });
      assertEquals("ack 2", subscribed.outcome.get(10, TimeUnit.SECONDS));
      assertEquals("ack 3", fetchedOnly.outcome.get(10, TimeUnit.SECONDS));

      List<String> s = subscribed.messages();
      // X's op (the broadcast), then the ack, and X's op only once (F's op may follow by now).
      assertTrue(s.get(0).contains("\"src\":\"X\""), s::toString);
      assertEquals("ack 2", s.get(1), s::toString);
      assertEquals(1, s.stream().filter(m -> m.contains("\"src\":\"X\"")).count(), s::toString);
      List<String> f = fetchedOnly.messages();
      assertEquals(3, f.size(), f::toString); // catch-up: X's op and S's op, then the ack
      assertTrue(f.get(0).contains("\"src\":\"X\"") && f.get(1).contains("\"src\":\"S\""), f::toString);
      assertEquals("ack 3", f.get(2));
    }
  }
}
