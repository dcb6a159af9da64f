package dev.quire.server.retention;

import dev.quire.ot.json.DeltaJson;
import dev.quire.server.collab.History;
import dev.quire.server.store.DocumentKey;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.OpsCompactedException;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The op-log retention policy ({@code op-retention}): deletes ops older than the retention once a
 * kept snapshot covers them, so the log stops growing forever while old history stays viewable.
 *
 * <p>Per document, with {@code interval} = {@code snapshot-interval}: the cut is the highest
 * multiple of the interval that is at most the number of ops older than the retention, and below
 * the head (at least one op always stays: the head version and the commit fence are read from the
 * log). First a snapshot is made sure to exist at every multiple of the interval up to the cut,
 * each built with {@link History} from the one before; then the ops below the cut go, with the
 * snapshots they covered that are not at a multiple (a cache nothing reads any more; what earlier
 * passes kept stays, even after a change of interval). Ops at or after
 * the cut are never touched, so a live client (whose version is recent) and a document's load
 * (from its newest snapshot, which is at or after the cut) never notice.
 *
 * <p>Safety with several servers: every step is idempotent. Snapshots are deterministic and
 * written "unless stored"; the delete is one statement that deletes nothing unless the snapshot at
 * the cut is stored and an op stays above it ({@link DocumentStore#compact}). Two servers
 * compacting at once only do the same work twice, so there is no lock to lose.
 *
 * <p>What is lost: the deleted ops themselves, so versions between kept snapshots (see {@link
 * History}), and the deduplication of a resent op by {@code (src, seq)} when its first copy was
 * deleted — only ops older than the retention, which no client still resends.
 */
public final class Compactor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Compactor.class);

  /** What one pass did. */
  public record Pass(int documents, long opsDeleted, int snapshotsWritten, int failures) {}

  private final DocumentStore store;
  private final History history;
  private final Clock clock;
  private final Duration retention;
  private final int interval;
  private ScheduledExecutorService timer;
  private volatile Consumer<Pass> onPass = pass -> {};

  /**
   * @param retention ops older than this may be deleted
   * @param interval ops between kept snapshots
   */
  public Compactor(DocumentStore store, Clock clock, Duration retention, int interval) {
    this.store = Objects.requireNonNull(store, "store");
    this.history = new History(store);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retention = Objects.requireNonNull(retention, "retention");
    if (retention.isNegative() || interval < 1) {
      throw new IllegalArgumentException("retention must be >= 0 and interval >= 1");
    }
    this.interval = interval;
  }

  /** Tells {@code listener} of each scheduled pass, after it (metrics). */
  public void onPass(Consumer<Pass> listener) {
    this.onPass = Objects.requireNonNull(listener, "listener");
  }

  /** Runs a pass every {@code every} (the first after one period), on a thread of its own. */
  public synchronized void start(Duration every) {
    if (timer != null) {
      throw new IllegalStateException("already started");
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quire-compactor");
      t.setDaemon(true);
      return t;
    });
    long ms = every.toMillis();
    timer.scheduleWithFixedDelay(this::runLogged, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void runLogged() {
    try {
      Pass p = runOnce();
      onPass.accept(p);
      if (p.opsDeleted() > 0 || p.failures() > 0) {
        log.info("compaction: {} document(s) looked at, {} op(s) deleted, {} snapshot(s) written, {} failure(s)",
            p.documents(), p.opsDeleted(), p.snapshotsWritten(), p.failures());
      }
    } catch (RuntimeException e) {
      log.warn("compaction pass failed; next one in a period: {}", e.toString());
    }
  }

  /** One pass over every document with ops to delete. */
  public Pass runOnce() {
    long olderThan = clock.millis() - retention.toMillis();
    List<DocumentKey> docs = store.compactionCandidates(olderThan, interval);
    long deleted = 0;
    int written = 0;
    int failures = 0;
    for (DocumentKey doc : docs) {
      try {
        long[] done = compact(doc.collection(), doc.docId(), olderThan);
        deleted += done[0];
        written += (int) done[1];
      } catch (RuntimeException e) {
        failures++; // the others go on; this one is tried again next pass
        log.warn("compaction of {}/{} failed: {}", doc.collection(), doc.docId(), e.toString());
      }
    }
    return new Pass(docs.size(), deleted, written, failures);
  }

  /** Compacts one document; answers {ops deleted, snapshots written}. */
  private long[] compact(String collection, String docId, long olderThan) {
    long old = store.versionAt(collection, docId, olderThan);
    long head = store.headVersion(collection, docId);
    long cut = Math.min(old, head - 1) / interval * interval;
    long oldest = oldestKept(collection, docId);
    if (cut <= oldest) {
      return new long[] {0, 0};
    }
    int written = 0;
    // Boundaries at or below the oldest kept op were made by the pass that deleted below it.
    for (long b = (oldest / interval + 1) * interval; b <= cut; b += interval) {
      if (store.snapshotAtOrBefore(collection, docId, b).map(s -> s.version()).orElse(-1L) == b) {
        continue;
      }
      History.State s = history.at(collection, docId, b);
      if (s.version() != b) {
        throw new IllegalStateException("could not rebuild version " + b + " of " + docId);
      }
      store.writeSnapshot(new StoredSnapshot(collection, docId, b, s.type(),
          s.data() == null ? null : DeltaJson.write(s.data()), s.timestamp()));
      written++;
    }
    return new long[] {store.compact(collection, docId, cut, interval), written};
  }

  /** The version of the oldest op still stored: 0, or where the last compaction cut. */
  private long oldestKept(String collection, String docId) {
    try {
      List<StoredOp> first = store.ops(collection, docId, 0, 1);
      return first.isEmpty() ? 0 : first.get(0).version();
    } catch (OpsCompactedException e) {
      return e.oldestKept();
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
