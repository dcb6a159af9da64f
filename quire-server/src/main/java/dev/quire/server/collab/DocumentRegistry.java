package dev.quire.server.collab;

import dev.quire.server.bus.Bus;
import dev.quire.server.metrics.ServerMetrics;
import dev.quire.server.store.DocumentStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents open on this server, each with its {@link DocumentSequencer}. A document opens
 * on first use (reading its newest snapshot and the ops after it) and is evicted from memory
 * after it has had no subscribers for a while, with a snapshot written on the way out.
 */
public final class DocumentRegistry {
  private static final Logger log = LoggerFactory.getLogger(DocumentRegistry.class);

  /** Work for one document, run on its actor once it is loaded. */
  public interface DocTask {
    void run(DocumentSequencer doc);

    /** The document could not be loaded (the store failed). */
    void unavailable(RuntimeException e);
  }

  /**
   * Hears that a document of this registry has a new committed op, whoever committed it (this
   * server or another, through the bus). Runs on the document's actor, after the op is applied:
   * it may read the document, and must not block.
   */
  @FunctionalInterface
  public interface CommitListener {
    void committed(String docId, DocumentSequencer doc);
  }

  private final String collection;
  private final DocumentStore store;
  private final Bus bus;
  private final Executor pool;
  private final Executor storeExecutor;
  private final ScheduledExecutorService timers;
  private final SequencerSettings settings;
  private final Clock clock;
  private final Map<String, Entry> docs = new ConcurrentHashMap<>();
  private final CommitTracker commits = new CommitTracker();
  private final ServerMetrics metrics;
  private volatile CommitListener commitListener;

  private record Entry(DocumentSequencer sequencer, Bus.Subscription subscription) {}

  public DocumentRegistry(String collection, DocumentStore store, Bus bus, Executor pool,
      Executor storeExecutor, ScheduledExecutorService timers, SequencerSettings settings, Clock clock,
      ServerMetrics metrics) {
    this.collection = collection;
    this.store = store;
    this.bus = bus;
    this.pool = pool;
    this.storeExecutor = storeExecutor;
    this.timers = timers;
    this.settings = settings;
    this.clock = clock;
    this.metrics = metrics;
  }

  public String collection() {
    return collection;
  }

  /** Sets the one listener told of every committed op of this registry's open documents. */
  public void onCommit(CommitListener listener) {
    this.commitListener = listener;
  }

  /** Runs {@code task} on the document's actor, opening the document first if needed. */
  public void run(String docId, DocTask task) {
    Entry e = docs.computeIfAbsent(docId, this::open);
    DocumentSequencer s = e.sequencer();
    s.actor.execute(() -> {
      if (s.evicted) {
        run(docId, task); // it closed just now: go to its successor
        return;
      }
      try {
        s.ensureLoaded();
      } catch (RuntimeException ex) {
        log.warn("could not open document {}: {}", docId, ex.toString());
        task.unavailable(ex);
        return;
      }
      task.run(s);
    });
  }

  private Entry open(String docId) {
    DocumentSequencer s = new DocumentSequencer(collection, docId, store, bus, pool, storeExecutor, timers, settings, clock,
        commits, metrics);
    // Our own ops come back too (and are all that comes on the in-process bus): they are dropped
    // here, on the bus's thread, by version alone, without waking the document's actor — unless
    // a commit listener wants to hear of every commit, ours included (titles: few and small).
    Bus.Subscription sub = bus.subscribe(Channels.ops(collection, docId), (channel, message) -> {
      String turn = DocumentSequencer.turnRequester(message);
      if (turn != null) {
        s.actor.execute(() -> s.onTurnRequest(turn));
        return;
      }
      long head = DocumentSequencer.announcedHead(message);
      if (head >= 0) {
        if (head > s.knownVersion()) {
          s.actor.execute(() -> s.onHead(head));
        }
        return;
      }
      String forwardedTo = CommitForwarding.forwardTarget(message);
      if (forwardedTo != null) {
        if (s.isSequencer(forwardedTo)) {
          s.actor.execute(() -> s.onForward(message));
        }
        return;
      }
      String backTo = CommitForwarding.backTarget(message);
      if (backTo != null) {
        if (s.isSequencer(backTo)) {
          s.actor.execute(() -> s.onHandedBack(message));
        }
        return;
      }
      if (commitListener == null && BusEnvelope.version(message) < s.knownVersion()) {
        return;
      }
      s.actor.execute(() -> {
        s.onCommitBy(BusEnvelope.origin(message));
        if (BusEnvelope.version(message) >= s.version()) {
          for (CommittedOp c : BusEnvelope.parse(collection, docId, message)) {
            s.onBusOp(c);
          }
        }
        CommitListener l = commitListener;
        if (l != null && !s.evicted) {
          l.committed(docId, s);
        }
      });
    });
    return new Entry(s, sub);
  }

  /** Every open document reads the ops it may have missed (after the bus reconnected). */
  public void catchUpAll() {
    for (Entry e : docs.values()) {
      DocumentSequencer s = e.sequencer();
      s.actor.execute(s::catchUp);
    }
  }

  /** Closes documents idle since before {@code idleMillis} ago; returns how many are open. */
  public int evictIdle(long idleMillis) {
    long cutoff = clock.millis() - idleMillis;
    for (Map.Entry<String, Entry> me : docs.entrySet()) {
      Entry e = me.getValue();
      DocumentSequencer s = e.sequencer();
      s.actor.execute(() -> {
        if (!s.evicted && s.idleSince(cutoff)) {
          s.writeSnapshot();
          s.evicted = true;
          docs.remove(me.getKey(), e);
          e.subscription().close();
          log.info("closed {}/{} v={}: idle", collection, me.getKey(), s.version());
        }
      });
    }
    return docs.size();
  }

  /** Writes a snapshot of every open document (on shutdown). */
  public void snapshotAll() {
    for (Entry e : docs.values()) {
      DocumentSequencer s = e.sequencer();
      s.actor.execute(s::writeSnapshot);
    }
  }

  /** Waits until no commit is in flight, or the timeout passes; true when quiet. */
  public boolean awaitNoCommits(java.time.Duration timeout) throws InterruptedException {
    return commits.awaitNone(timeout);
  }

  public int openDocuments() {
    return docs.size();
  }
}
