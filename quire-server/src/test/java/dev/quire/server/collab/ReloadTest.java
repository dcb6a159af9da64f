package dev.quire.server.collab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.ot.OtLimits;
import dev.quire.server.bus.InProcessBus;
import dev.quire.server.metrics.ServerMetrics;
import dev.quire.server.store.CommitResult;
import dev.quire.server.store.StoreException;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredSnapshot;
import dev.quire.server.store.sqlite.SqliteStore;
import dev.quire.server.testing.DelegatingStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A document that only has readers on this server (the ops are committed elsewhere) loses its
 * state when a catch-up read fails with the store down, and cannot reload until the store is
 * back. Once it is, the document reloads by itself and its subscribers get the ops they missed —
 * before, it stayed unloaded until someone submitted on this server, and its readers saw nothing.
 */
class ReloadTest {
  @TempDir Path dir;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final ExecutorService storePool = Executors.newSingleThreadExecutor();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopPools() {
    pool.shutdownNow();
    storePool.shutdownNow();
    timers.shutdownNow();
  }

  /** A store whose reads fail while {@code down} is set, counting the failures. */
  private static final class FlakyStore extends DelegatingStore {
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger failures = new AtomicInteger();

    FlakyStore(SqliteStore real) {
      super(real);
    }

    private void check() {
      if (down.get()) {
        failures.incrementAndGet();
        throw new StoreException("the database is down", null);
      }
    }

    @Override
    public List<StoredOp> ops(String collection, String docId, long from, long to) {
      check();
      return real.ops(collection, docId, from, to);
    }

    @Override
    public Optional<StoredSnapshot> snapshotAtOrBefore(String collection, String docId, long atMost) {
      check();
      return real.snapshotAtOrBefore(collection, docId, atMost);
    }
  }

  /** A reader: the op versions it was sent, in order. */
  private static final class Reader implements Subscriber {
    final List<Long> versions = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public String src() {
      return "reader";
    }

    @Override
    public void send(String message) {
      versions.add(BusEnvelope.version(message));
    }
  }

  @Test
  void aReaderOnlyDocumentReloadsWhenTheStoreIsBackAndSendsWhatWasMissed() throws Exception {
    try (SqliteStore real = SqliteStore.open(dir); InProcessBus bus = new InProcessBus()) {
      FlakyStore store = new FlakyStore(real);
      long now = System.currentTimeMillis();
      assertEquals(CommitResult.COMMITTED, real.commit("docs", "d", List.of(
          new StoredOp("docs", "d", 0, "w", 1, StoredOp.Kind.CREATE, dev.quire.ot.RichText.URI, "[{\"insert\":\"\\n\"}]", now))));
      DocumentSequencer doc = new DocumentSequencer("docs", "d", store, bus, pool, storePool, timers,
          new SequencerSettings(OtLimits.NONE, 256, 20, 100, 1000), Clock.systemUTC(), new CommitTracker(),
          ServerMetrics.disabled());
      Reader reader = new Reader();
      CompletableFuture<Void> subscribed = new CompletableFuture<>();
      doc.actor.execute(() -> {
        doc.ensureLoaded();
        doc.subscribe(reader);
        subscribed.complete(null);
      });
      subscribed.get(10, TimeUnit.SECONDS);

      // Another server commits v1 and v2; only v2 reaches this one, while the store is down.
      List<StoredOp> elsewhere = List.of(
          new StoredOp("docs", "d", 1, "w", 2, StoredOp.Kind.EDIT, null, "[{\"insert\":\"a\"}]", now),
          new StoredOp("docs", "d", 2, "w", 3, StoredOp.Kind.EDIT, null, "[{\"insert\":\"b\"}]", now));
      assertEquals(CommitResult.COMMITTED, real.commit("docs", "d", elsewhere));
      store.down.set(true);
      CommittedOp v2 = CommittedOp.fromStored(elsewhere.get(1));
      doc.actor.execute(() -> doc.onBusOp(v2));
      // The gap's read fails, the state is dropped, and the reload fails too.
      awaitTrue(() -> store.failures.get() >= 2, "the catch-up read and the reload failed");
      assertEquals(List.of(), reader.versions);

      store.down.set(false); // the store is back; nothing else happens on this server
      awaitTrue(() -> reader.versions.size() == 2, "the reader got the missed ops: " + reader.versions);
      assertEquals(List.of(1L, 2L), reader.versions);
      CompletableFuture<Long> version = new CompletableFuture<>();
      doc.actor.execute(() -> version.complete(doc.version()));
      assertEquals(3, version.get(10, TimeUnit.SECONDS));
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what);
      Thread.onSpinWait();
    }
  }
}
