package dev.quire.server.store.replica;

import dev.quire.server.metrics.ServerMetrics;
import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.StoreException;
import dev.quire.server.store.postgres.PostgresStore;
import dev.quire.server.store.postgres.PostgresUrl;
import dev.quire.server.store.postgres.WalPosition;
import dev.quire.server.store.replica.Freshness.Choice;
import dev.quire.server.store.replica.Replica.Sample;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each read that may be served from a streaming read replica to one that is fresh enough for
 * the reader, and every other read to the primary. Writes never come here.
 *
 * <p>Fresh enough means two things. (1) The replica has replayed the write-ahead log up to where
 * the reader already was ({@link Freshness}): their last write, their last primary read, or the
 * replica they last read. Replay positions are polled every {@link #POLL} on a thread of the
 * router's own, so a read pays no round trip to learn them. (2) For a document, the replica holds
 * the version the read needs and the newest version the reader has read of it ({@link
 * Source#head}); a read that finds otherwise throws {@link ReplicaBehind} and runs again on the
 * primary. With both, no read shows a reader anything older than they have already seen.
 *
 * <p>A replica that fails a read or a poll is marked down and skipped ({@link ReplicaHealth});
 * polls try it again after a back-off, so its failure costs one read a retry on the primary and
 * fails none. Every read is counted by where it went and why ({@code quire.replica.reads}); each
 * replica's lag behind the primary, in bytes of WAL, is a gauge ({@code quire.replica.lag.bytes}).
 */
public final class ReadRouter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReadRouter.class);
  static final Duration POLL = Duration.ofMillis(150);
  /** How often idle readers are forgotten (see {@link Freshness}). */
  private static final long FORGET_EVERY_POLLS = 400; // one minute

  /** A read, run on the source the router chose. */
  @FunctionalInterface
  public interface Read<T> {
    /** @throws ReplicaBehind on a replica that lacks what the read needs */
    T run(Source source);
  }

  /** Where one read runs: the primary's store and catalog, or a replica's. */
  public final class Source {
    private final DocumentStore store;
    private final DocumentCatalog catalog;
    private final String reader;
    private final boolean primary;

    private Source(DocumentStore store, DocumentCatalog catalog, String reader, boolean primary) {
      this.store = store;
      this.catalog = catalog;
      this.reader = reader;
      this.primary = primary;
    }

    public DocumentStore store() {
      return store;
    }

    public DocumentCatalog catalog() {
      return catalog;
    }

    public boolean primary() {
      return primary;
    }

    /**
     * The document's head version here. On a replica it must be at least {@code atLeast}, the
     * newest version of it the reader has read, and 1 (a document a replica does not have at all
     * is the primary's to answer for); otherwise {@link ReplicaBehind}.
     */
    public long head(String collection, String docId, long atLeast) {
      long head = store.headVersion(collection, docId);
      if (!primary) {
        long needed = Math.max(Math.max(atLeast, 1), freshness.seenVersion(reader, docId, nanos.getAsLong()));
        if (head < needed) {
          throw new ReplicaBehind(docId + " is at version " + head + " on the replica; the read needs " + needed);
        }
      }
      return head;
    }
  }

  private final DocumentStore primaryStore;
  private final DocumentCatalog primaryCatalog;
  private final Supplier<Optional<WalPosition>> primaryWal;
  private final List<Replica> replicas;
  private final ServerMetrics metrics;
  private final LongSupplier nanos;
  private final Freshness freshness = new Freshness();
  private final AtomicInteger next = new AtomicInteger();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller;
  private volatile Sample primarySample;
  private long polls;

  ReadRouter(DocumentStore primaryStore, DocumentCatalog primaryCatalog, Supplier<Optional<WalPosition>> primaryWal,
      List<Replica> replicas, ServerMetrics metrics, LongSupplier nanos, boolean poll) {
    this.primaryStore = primaryStore;
    this.primaryCatalog = primaryCatalog;
    this.primaryWal = primaryWal;
    this.replicas = List.copyOf(replicas);
    this.metrics = metrics;
    this.nanos = nanos;
    for (Replica r : this.replicas) {
      metrics.gauge("quire.replica.lag.bytes", "bytes of WAL the replica has yet to replay (-1: down or unknown)",
          () -> lag(r), "replica", r.name);
    }
    if (poll && !this.replicas.isEmpty()) {
      poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "quire-replica-poll");
        t.setDaemon(true);
        return t;
      });
      poller.scheduleWithFixedDelay(this::poll, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      poller = null;
    }
  }

  /**
   * A router over the PostgreSQL store {@code primary} and replicas at {@code replicaUrls}
   * (possibly none), which it opens and closes. A replica that is down now is tried later.
   */
  public static ReadRouter open(PostgresStore primary, List<String> replicaUrls, ServerMetrics metrics) {
    List<Replica> replicas = new ArrayList<>();
    try {
      for (String url : replicaUrls) {
        PostgresUrl parsed = PostgresUrl.parse(url);
        String name = "replica-" + (replicas.size() + 1);
        replicas.add(new Replica(name, PostgresStore.openReplica(parsed, "quire-" + name)));
        log.info("read replica {}: {}", name, parsed);
      }
    } catch (RuntimeException e) {
      replicas.forEach(r -> r.store.close());
      throw e;
    }
    return new ReadRouter(primary, primary.catalog(), primary::walPosition, replicas, metrics, System::nanoTime, true);
  }

  /** A router without replicas: every read goes to the primary (the embedded store). */
  public static ReadRouter primaryOnly(DocumentStore store, DocumentCatalog catalog, ServerMetrics metrics) {
    return new ReadRouter(store, catalog, Optional::empty, List.of(), metrics, System::nanoTime, false);
  }

  /**
   * Runs {@code read} for {@code reader} (a user id; "" for everyone in open mode) on a replica fresh
   * enough for them, or on the primary; {@code kind} names the read in metrics ("history", "list").
   * Failures on the primary are the caller's, as without replicas.
   */
  public <T> T read(String reader, String kind, Read<T> read) {
    if (replicas.isEmpty()) {
      count(kind, Route.NO_REPLICA);
      return read.run(new Source(primaryStore, primaryCatalog, reader, true));
    }
    Choice choice = freshness.choose(reader, replicas, primarySample, next.getAndIncrement(), nanos.getAsLong());
    Route route = choice.route();
    if (route.replica()) {
      Replica r = choice.replica();
      try {
        T out = read.run(new Source(r.store, r.store.catalog(), reader, false));
        freshness.readReplica(reader, r, nanos.getAsLong());
        count(kind, Route.REPLICA);
        return out;
      } catch (ReplicaBehind e) {
        route = Route.DOCUMENT_BEHIND;
      } catch (StoreException e) {
        if (e.getCause() instanceof java.sql.SQLException) { // the replica failed, not the data
          markDown(r, e);
        }
        route = Route.REPLICA_FAILED;
      }
    }
    T out = read.run(new Source(primaryStore, primaryCatalog, reader, true));
    afterPrimary(reader);
    count(kind, route);
    return out;
  }

  /** {@code reader} changed something on the primary: their next reads must see it. */
  public void wrote(String reader) {
    if (!replicas.isEmpty()) {
      afterPrimary(reader);
    }
  }

  /** {@code reader} has seen {@code version} of {@code docId}: no replica behind it may serve them that document. */
  public void sawVersion(String reader, String docId, long version) {
    if (!replicas.isEmpty()) {
      freshness.sawVersion(reader, docId, version, nanos.getAsLong());
    }
  }

  /** The primary's store, except that documents open from a replica when one is up ({@link OpeningStore}). */
  public DocumentStore store() {
    return replicas.isEmpty() ? primaryStore : new OpeningStore(primaryStore, this);
  }

  /** The primary's catalog, except that listings are routed, for the reader they are listed for. */
  public DocumentCatalog catalog() {
    return replicas.isEmpty() ? primaryCatalog : new ListingCatalog(primaryCatalog, this);
  }

  /** A replica that is up, for a read whose result the primary completes (no reader involved); or null. */
  Replica anyUp() {
    return Freshness.pick(replicas, 0, next.getAndIncrement()).replica();
  }

  /** Why {@link #anyUp} found none. */
  Route noneUp() {
    return Freshness.pick(replicas, 0, 0).route();
  }

  void count(String kind, Route route) {
    counters.computeIfAbsent(kind + "/" + route, k -> metrics.counter("quire.replica.reads",
        "reads that may use a read replica, by kind, where they went and why", "read", kind,
        "target", route.target, "reason", route.reason)).increment();
  }

  void markDown(Replica r, RuntimeException e) {
    if (r.health.failed(nanos.getAsLong())) {
      log.warn("read replica {} is down, reads go to the primary until it answers: {}", r.name, e.getMessage());
    }
  }

  private void afterPrimary(String reader) {
    long lsn = primaryWal.get().map(WalPosition::lsn).orElse(-1L);
    freshness.readPrimary(reader, lsn, nanos.getAsLong());
  }

  /** One poll: the primary's position, then each replica's that is up or due for a retry. */
  void poll() {
    try {
      long started = nanos.getAsLong();
      primaryWal.get().ifPresent(p -> primarySample = new Sample(started, p.lsn()));
      for (Replica r : replicas) {
        long now = nanos.getAsLong();
        if (!r.health.due(now)) {
          continue;
        }
        Optional<WalPosition> at = r.store.walPosition();
        if (at.isEmpty() || !at.get().standby()) {
          markDown(r, new StoreException(at.isEmpty() ? "no answer to a poll"
              : "it is not a standby (promoted?); it cannot be read as a replica of the primary", null));
          continue;
        }
        Sample before = r.sample;
        r.sample = new Sample(now, before == null ? at.get().lsn() : Math.max(before.lsn(), at.get().lsn()));
        if (r.health.answered()) {
          log.info("read replica {} is up again", r.name);
        }
      }
      if (++polls % FORGET_EVERY_POLLS == 0) {
        freshness.forgetIdle(nanos.getAsLong());
      }
    } catch (RuntimeException e) {
      log.warn("polling the read replicas failed: {}", e.toString()); // the next poll tries again
    }
  }

  private double lag(Replica r) {
    Sample p = primarySample;
    Sample s = r.sample;
    return p == null || s == null || !r.health.up() ? -1 : Math.max(0, p.lsn() - s.lsn());
  }

  /** The replicas' names and whether each is up and has answered a poll (for tests). */
  Map<String, Boolean> replicasUp() {
    Map<String, Boolean> out = new java.util.LinkedHashMap<>();
    replicas.forEach(r -> out.put(r.name, r.sample != null && r.health.up()));
    return out;
  }

  /** Stops polling and closes the replicas' pools (not the primary's, which the caller owns). */
  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
    replicas.forEach(r -> r.store.close());
  }
}
