package dev.quire.server.metrics;

import dev.quire.ot.OtError;
import dev.quire.server.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The meters of one server, created once so that the hot path only increments: no meter lookup,
 * no tag allocation per op. Names use Micrometer's dots; the Prometheus registry renders them as
 * {@code quire_...} (counters with {@code _total}, timers in {@code _seconds}).
 *
 * <p>Every method is safe on {@link #disabled()} (an empty composite registry hands out no-op
 * meters), so code and tests that build a sequencer without a server need no null checks.
 */
public final class ServerMetrics {
  /** The tag value for a refusal code outside the known set, so the series stay bounded. */
  static final String OTHER_CODE = "other";

  private final Counter committedOps;
  private final Timer commitLatency;
  private final DistributionSummary batchSize;
  private final Counter conflicts;
  private final Counter retriesExhausted;
  private final Timer busLag;
  private final Counter busGapsFilled;
  private final Counter forwarded;
  private final Counter forwardTimeouts;
  private final Counter forwardHandedBack;
  private final Counter compactedOps;
  private final Counter compactionSnapshots;
  private final Counter compactionFailures;
  private final Map<String, Counter> refusedByCode = new HashMap<>();
  private final Counter refusedOther;
  private final AtomicInteger pendingSubmissions = new AtomicInteger();
  private final AtomicLong queuedChars = new AtomicLong();
  private final MeterRegistry registry;

  public ServerMetrics(MeterRegistry registry) {
    this.registry = registry;
    committedOps = Counter.builder("quire.ops.committed")
        .description("ops committed to the store by this server").register(registry);
    commitLatency = Timer.builder("quire.commit.latency")
        .description("time of one store commit (one batch of ops, one transaction)").register(registry);
    batchSize = DistributionSummary.builder("quire.commit.batch.size")
        .description("ops per store commit (group commit)").register(registry);
    conflicts = Counter.builder("quire.commit.conflicts")
        .description("commits refused because another server committed first; the batch is retried")
        .register(registry);
    retriesExhausted = Counter.builder("quire.commit.retries.exhausted")
        .description("ops refused after too many conflicts").register(registry);
    busLag = Timer.builder("quire.bus.lag")
        .description("commit time to being applied here, for ops committed by another server")
        .register(registry);
    busGapsFilled = Counter.builder("quire.bus.gaps.filled")
        .description("store reads after the bus did not bring missing ops in time (a gap, a lost commit race)")
        .register(registry);
    forwarded = Counter.builder("quire.commit.forwarded")
        .description("submissions handed to the server committing their hot document (commit forwarding)")
        .register(registry);
    forwardTimeouts = Counter.builder("quire.commit.forward.timeouts")
        .description("forwarded submissions not settled in time, committed here instead").register(registry);
    forwardHandedBack = Counter.builder("quire.commit.forward.handed.back")
        .description("forwarded submissions the committing server did not commit (refused, store failure)")
        .register(registry);
    compactedOps = Counter.builder("quire.compaction.ops.deleted")
        .description("ops deleted by the retention policy (op-retention) on this server").register(registry);
    compactionSnapshots = Counter.builder("quire.compaction.snapshots.written")
        .description("snapshots written by the retention policy where ops were deleted").register(registry);
    compactionFailures = Counter.builder("quire.compaction.failures")
        .description("documents the retention policy could not compact (tried again next pass)").register(registry);
    for (ErrorCode c : ErrorCode.values()) {
      refusedByCode.put(c.code(), refusedCounter(c.code()));
    }
    for (OtError c : OtError.values()) {
      refusedByCode.put(c.code(), refusedCounter(c.code()));
    }
    refusedOther = refusedCounter(OTHER_CODE);
    Gauge.builder("quire.submissions.pending", pendingSubmissions, AtomicInteger::get)
        .description("ops submitted and not yet acknowledged or refused").register(registry);
    Gauge.builder("quire.outgoing.queued.chars", queuedChars, AtomicLong::get)
        .description("characters queued to be sent, over all connections").register(registry);
  }

  /** Meters that record nothing. */
  public static ServerMetrics disabled() {
    return new ServerMetrics(new CompositeMeterRegistry());
  }

  private Counter refusedCounter(String code) {
    return Counter.builder("quire.ops.refused").tag("code", code)
        .description("ops refused with an error reply, by error code").register(registry);
  }

  /** A gauge read at scrape time (open connections, open documents). */
  public void gauge(String name, String description, IntSupplier value) {
    Gauge.builder(name, value, v -> v.getAsInt()).description(description).strongReference(true)
        .register(registry);
  }

  /** A counter with fixed tags ({@code key, value, …}), made once by the code that increments it. */
  public Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).tags(tags).description(description).register(registry);
  }

  /** A gauge with fixed tags ({@code key, value, …}), read at scrape time. */
  public void gauge(String name, String description, java.util.function.DoubleSupplier value, String... tags) {
    Gauge.builder(name, value, java.util.function.DoubleSupplier::getAsDouble).tags(tags).description(description)
        .strongReference(true).register(registry);
  }

  public void committed(int ops, long commitNanos) {
    committedOps.increment(ops);
    commitLatency.record(commitNanos, TimeUnit.NANOSECONDS);
    batchSize.record(ops);
  }

  /** A commit that conflicted or failed: its time still counts, its ops do not. */
  public void commitAttempt(int ops, long commitNanos) {
    commitLatency.record(commitNanos, TimeUnit.NANOSECONDS);
    batchSize.record(ops);
  }

  /** One pass of the retention policy. */
  public void compacted(long opsDeleted, int snapshotsWritten, int failures) {
    compactedOps.increment(opsDeleted);
    compactionSnapshots.increment(snapshotsWritten);
    compactionFailures.increment(failures);
  }

  public void conflict() {
    conflicts.increment();
  }

  public void retriesExhausted() {
    retriesExhausted.increment();
  }

  /** An op from another server applied here, {@code lagMillis} after its commit time. */
  public void busLag(long lagMillis) {
    busLag.record(Math.max(0, lagMillis), TimeUnit.MILLISECONDS);
  }

  public void busGapFilled() {
    busGapsFilled.increment();
  }

  public void forwarded() {
    forwarded.increment();
  }

  public void forwardTimedOut() {
    forwardTimeouts.increment();
  }

  public void forwardHandedBack() {
    forwardHandedBack.increment();
  }

  public void refused(String code) {
    refusedByCode.getOrDefault(code, refusedOther).increment();
  }

  public void submitted() {
    pendingSubmissions.incrementAndGet();
  }

  /** A submission was answered: acknowledged, refused or dropped with the connection. */
  public void answered() {
    pendingSubmissions.decrementAndGet();
  }

  /** The sum of every connection's outgoing queue, which the wire adds to and takes from. */
  public AtomicLong queuedChars() {
    return queuedChars;
  }
}
