package dev.quire.bench.load;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the authors of one run share: the measured window, the latency recorders (HdrHistogram,
 * microseconds) and counters, the authors by source id (to find when a received op was sent),
 * and the failures. Latencies count only ops first typed inside the window; ops/s count acks
 * that arrive inside it.
 */
final class LoadRun {
  final int rate;
  final long intervalNanos;
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;
  private volatile boolean stopped;
  private volatile boolean closing;

  private final Map<String, Author> bySrc = new ConcurrentHashMap<>();
  private final Recorder ack = new Recorder(3);
  private final Recorder remote = new Recorder(3);
  private final Recorder cross = new Recorder(3);
  // What earlier intervals drained (a soak reports every --interval seconds); totals add them.
  private final Histogram ackTotal = new Histogram(3);
  private final Histogram remoteTotal = new Histogram(3);
  private final Histogram crossTotal = new Histogram(3);
  final LongAdder acksInWindow = new LongAdder();
  final LongAdder keysInWindow = new LongAdder();
  final LongAdder keysAckedInWindow = new LongAdder();
  final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

  /** @param rate keystrokes per second per author; 0 types as fast as acks come (closed loop) */
  LoadRun(int rate) {
    this.rate = rate;
    this.intervalNanos = rate == 0 ? 0 : 1_000_000_000L / rate;
  }

  void register(Author a) {
    bySrc.put(a.src(), a);
  }

  Author author(String src) {
    return bySrc.get(src);
  }

  /** Opens the window: samples recorded before now (the warm-up) are dropped. */
  void openWindow(long start, long end) {
    windowStart = start;
    windowEnd = end;
    ack.reset();
    remote.reset();
    cross.reset();
    ackTotal.reset();
    remoteTotal.reset();
    crossTotal.reset();
  }

  /**
   * The latencies recorded since the last call (for one interval of a soak): ack and remote
   * delivery, in that order. They stay counted in the run's totals.
   */
  synchronized Histogram[] drainInterval() {
    Histogram a = ack.getIntervalHistogram();
    Histogram r = remote.getIntervalHistogram();
    Histogram c = cross.getIntervalHistogram();
    ackTotal.add(a);
    remoteTotal.add(r);
    crossTotal.add(c);
    return new Histogram[] {a, r};
  }

  boolean inWindow(long t) {
    return t >= windowStart && t < windowEnd;
  }

  void stop() {
    stopped = true;
  }

  boolean stopped() {
    return stopped;
  }

  /** From now on, closed connections are the run's own doing, not failures. */
  void beginClosing() {
    closing = true;
  }

  boolean closing() {
    return closing;
  }

  void keystroke(long t) {
    if (inWindow(t)) {
      keysInWindow.increment();
    }
  }

  void acked(long t0, long now, int keys) {
    if (inWindow(now)) {
      acksInWindow.increment();
      keysAckedInWindow.add(keys);
    }
    if (inWindow(t0)) {
      ack.recordValue(Math.max(0, (now - t0) / 1000));
    }
  }

  void delivered(long t0, long now, boolean otherServer) {
    if (inWindow(t0)) {
      long us = Math.max(0, (now - t0) / 1000);
      remote.recordValue(us);
      if (otherServer) {
        cross.recordValue(us);
      }
    }
  }

  void failure(String what) {
    failures.add(what);
  }

  /** Version gaps the authors saw and filled by asking for the missing ops (not failures). */
  final java.util.concurrent.atomic.AtomicLong gaps = new java.util.concurrent.atomic.AtomicLong();

  void gap() {
    gaps.incrementAndGet();
  }

  /** The whole window's histograms (ack, remote, cross); call once the window is over. */
  synchronized Histogram[] totals() {
    drainInterval();
    return new Histogram[] {ackTotal.copy(), remoteTotal.copy(), crossTotal.copy()};
  }
}
