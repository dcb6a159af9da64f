package dev.quire.server.store.replica;

import dev.quire.server.store.replica.Replica.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What each reader (a person; everyone is one reader in open mode) has already seen, kept as the
 * write-ahead-log position a replica must have replayed to serve them, plus the version of each
 * document they have read recently. The rule: a replica serves a reader only if its replay
 * position (polled) is at least the reader's position; so a read never shows state older than
 * what the same reader saw before.
 *
 * <p>How the position is kept without a round trip per read:
 * <ul>
 *   <li>after a write or a read on the primary, the primary's current position (read right after
 *       it, so it covers what was written or seen); if that cannot be read, the reader waits for
 *       the next primary poll that started after it ("not yet sampled") and reads the primary
 *       until then;
 *   <li>after a read on a replica, the reader is tied to that replica until its next poll that
 *       started after the read — a replica only moves forward, so it can serve them meanwhile —
 *       and then takes that poll's position. Another replica, possibly further behind, is only
 *       used once that position is known.
 * </ul>
 *
 * <p>Readers idle for {@link #IDLE_NANOS} are forgotten; their position becomes a floor every
 * reader needs, so forgetting never lets a replica serve someone older state than they saw.
 * Thread-safe; times are {@link System#nanoTime()} values passed in.
 */
final class Freshness {
  static final int DOCS_PER_READER = 256;
  static final long IDLE_NANOS = 10L * 60 * 1_000_000_000L;

  /** Where a read may go: a replica (non-null only for {@link Route#REPLICA}) or the primary, and why. */
  record Choice(Route route, Replica replica) {}

  private static final class Seen {
    long lsn;
    /** A replica read whose position is not known yet, and when it ended. */
    Replica pendingOn;
    long pendingSince;
    /** A primary read or write whose position could not be read, and when it ended. */
    boolean pendingPrimary;
    long primarySince;
    long lastUsed;
    boolean forgotten;
    // The versions of documents they read, most recent last; the oldest are dropped (the
    // position above still covers them: they were read from a server at or below it).
    final Map<String, Long> versions = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > DOCS_PER_READER;
      }
    };
  }

  private final Map<String, Seen> readers = new ConcurrentHashMap<>();
  private volatile long floor;

  /**
   * Picks where {@code reader}'s read goes, given the newest primary poll ({@code primary}, null
   * if none yet), starting the search for a replica at {@code start} (to spread reads).
   */
  Choice choose(String reader, List<Replica> replicas, Sample primary, int start, long now) {
    return with(reader, now, s -> {
      if (s.pendingPrimary) {
        if (primary == null || primary.startedNanos() - s.primarySince <= 0) {
          return new Choice(Route.NOT_YET_SAMPLED, null);
        }
        s.lsn = Math.max(s.lsn, primary.lsn());
        s.pendingPrimary = false;
      }
      if (s.pendingOn != null) {
        Sample r = s.pendingOn.sample;
        if (r != null && r.startedNanos() - s.pendingSince > 0) {
          s.lsn = Math.max(s.lsn, r.lsn());
          s.pendingOn = null;
        }
      }
      long need = Math.max(s.lsn, floor);
      if (s.pendingOn != null) {
        Replica only = s.pendingOn;
        return only.serves(need) ? new Choice(Route.REPLICA, only)
            : new Choice(only.health.up() ? Route.REPLICA_BEHIND : Route.REPLICA_DOWN, null);
      }
      return pick(replicas, need, start);
    });
  }

  /** The first replica from {@code start} on that has replayed {@code need}, or why there is none. */
  static Choice pick(List<Replica> replicas, long need, int start) {
    boolean anyUp = false;
    boolean anySampled = false;
    int n = replicas.size();
    for (int i = 0; i < n; i++) {
      Replica r = replicas.get(Math.floorMod(start + i, n));
      if (r.serves(need)) {
        return new Choice(Route.REPLICA, r);
      }
      anySampled |= r.sample != null;
      anyUp |= r.sample != null && r.health.up();
    }
    Route why = !anySampled ? Route.NO_REPLICA : anyUp ? Route.REPLICA_BEHIND : Route.REPLICA_DOWN;
    return new Choice(why, null);
  }

  /** {@code reader} read from {@code replica}; the read ended at {@code now}. */
  void readReplica(String reader, Replica replica, long now) {
    with(reader, now, s -> {
      if (s.pendingOn != null && s.pendingOn != replica) {
        // Reads that overlapped went to two replicas: only a later primary position covers both.
        s.pendingOn = null;
        s.pendingPrimary = true;
        s.primarySince = now;
      } else if (s.pendingPrimary) {
        s.primarySince = now; // overlapped a primary read: the primary's next position covers it
      } else {
        s.pendingOn = replica;
        s.pendingSince = now;
      }
      return null;
    });
  }

  /**
   * {@code reader} wrote, or read the primary; {@code lsn} is the primary's position read after
   * it ended at {@code now}, or negative when it could not be read.
   */
  void readPrimary(String reader, long lsn, long now) {
    with(reader, now, s -> {
      s.pendingOn = null; // the primary is at or past every replica
      if (lsn >= 0) {
        s.lsn = Math.max(s.lsn, lsn);
      } else {
        s.pendingPrimary = true;
        s.primarySince = now;
      }
      return null;
    });
  }

  /** {@code reader} has seen {@code version} of document {@code docId}. */
  void sawVersion(String reader, String docId, long version, long now) {
    with(reader, now, s -> s.versions.merge(docId, version, Math::max));
  }

  /** The newest version of {@code docId} that {@code reader} has read recently (0 if none). */
  long seenVersion(String reader, String docId, long now) {
    return with(reader, now, s -> s.versions.getOrDefault(docId, 0L));
  }

  /** Forgets readers idle since {@link #IDLE_NANOS} before {@code now}, raising the floor to cover them. */
  void forgetIdle(long now) {
    for (Map.Entry<String, Seen> e : readers.entrySet()) {
      Seen s = e.getValue();
      synchronized (s) {
        if (now - s.lastUsed > IDLE_NANOS && !s.pendingPrimary && s.pendingOn == null) {
          floor = Math.max(floor, s.lsn);
          s.forgotten = true;
          readers.remove(e.getKey(), s);
        }
      }
    }
  }

  int readers() {
    return readers.size();
  }

  private <T> T with(String reader, long now, Function<Seen, T> f) {
    while (true) {
      Seen s = readers.computeIfAbsent(reader, k -> new Seen());
      synchronized (s) {
        if (!s.forgotten) {
          s.lastUsed = now;
          return f.apply(s);
        }
      }
    }
  }
}
