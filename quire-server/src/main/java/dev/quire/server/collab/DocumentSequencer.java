package dev.quire.server.collab;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.RichText;
import dev.quire.ot.doc.FrozenDocument;
import dev.quire.ot.doc.RichDocument;
import dev.quire.ot.json.DeltaJson;
import dev.quire.server.bus.Bus;
import dev.quire.server.metrics.ServerMetrics;
import dev.quire.server.protocol.ErrorCode;
import dev.quire.server.store.CommitResult;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.OpsCompactedException;
import dev.quire.server.store.StoreException;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one place that orders the ops of one open document on this server: an actor whose state is
 * touched only by tasks on its {@link SerialExecutor}.
 *
 * <p>Submissions queue up; a batch of them is transformed against everything committed after the
 * version each was based on (the committed op wins ties), validated against the document's
 * length as it will be, and committed to the store in one compare-and-set transaction (group
 * commit: a hot document gets many ops per disk sync). Only when the store says COMMITTED are the
 * ops applied to the in-memory document, sent to their submitters (catch-up ops first, then the
 * ack), broadcast to the other subscribers and published on the bus. Reads (fetch, subscribe)
 * run between batches and always see committed state. A CONFLICT (another server committed
 * first) re-reads the new ops and retries the batch, a bounded number of times.
 *
 * <p>Ops that arrive on the bus (committed by another server) are applied strictly by version:
 * older ones are duplicates and dropped; ones that come early (a gap before them, or a commit or
 * store read in flight) wait in {@code early} until their turn. A gap that the bus does not fill
 * within {@code busWaitMillis} is read from the store. A conflict, too, first waits briefly for the
 * winning ops on the bus, which usually arrive within a millisecond, before it reads the store:
 * with several servers on one hot document, conflicts are frequent, and reading the store for
 * each one cost more database work than the commits themselves.
 *
 * <p>The actor never blocks on the store on these paths: commits and catch-up reads run on the
 * store executor and come back to the actor with their result, so a slow database stalls only
 * the documents that wait for it, not the threads every document shares.
 */
public final class DocumentSequencer {
  private static final Logger log = LoggerFactory.getLogger(DocumentSequencer.class);

  private final String collection;
  private final String docId;
  private final DocumentStore store;
  private final Bus bus;
  private final Executor storeExecutor;
  private final SequencerSettings settings;
  private final java.time.Clock clock;
  private final CommitTracker commits;
  private final ServerMetrics metrics;
  private final ScheduledExecutorService timers;
  final SerialExecutor actor;

  // ---- state, confined to the actor ----
  private boolean loaded;
  // The version our subscribers had reached when the state was dropped for a reload, or -1: the
  // reload sends them the ops from there on (committed by a commit whose outcome we did not learn,
  // or by another server meanwhile), which they would otherwise never receive.
  private long reloadFrom = -1;
  boolean evicted;
  private long version;
  private volatile long knownVersion; // = version, for the bus's thread to drop what is old
  private String type; // RichText.URI, or null when the document does not exist
  private RichDocument doc;
  private long lastTimestamp;
  private long snapshotVersion = -1;
  private String snapshotJson; // cache of snapshotJson() for the current version
  private final ArrayDeque<CommittedOp> recent = new ArrayDeque<>();
  private final Map<String, long[]> lastBySrc = new HashMap<>(); // src -> {seq, version}
  // src -> the lowest seq the store was asked about and did not have: a client sends seq n+1 only
  // after n was answered, so no later seq of it can be stored either, except through this
  // sequencer (lastBySrc) or another server (the bus, or the store's unique key on a commit).
  private final Map<String, Long> absentFrom = new HashMap<>();
  // Each subscriber, with the version it had when it subscribed: every op from there on reaches it
  // through fanOut, in order, so the catch-up before an ack need not send those again.
  private final Map<Subscriber, Long> subscribers = new java.util.LinkedHashMap<>();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private boolean committing;
  private boolean reading; // a catch-up read from the store is in flight
  private boolean waitingForBus; // behind (a gap or a conflict): the bus will probably bring the ops
  private long waitGeneration; // tells a stale bus-wait timer from the current one
  private boolean needRead; // read the store once the commit or read in flight is done
  // Ops from the bus that cannot be applied yet, by version: a gap before them, or busy.
  private final TreeMap<Long, CommittedOp> early = new TreeMap<>();
  private long lastActivity;

  // Fairness between servers on one hot document (see onTurnRequest).
  private final String instanceId = java.util.UUID.randomUUID().toString().replace("-", "");
  private long yieldUntil; // clock millis: another server asked for a turn; no batch starts before
  private boolean yieldTimer;

  /** How long a document gives way to another server that asked for a turn (see onTurnRequest). */
  static final long YIELD_MILLIS = 20;

  // Commit forwarding (see CommitForwarding): one server commits a hot document, the others hand
  // it their submissions.
  // Other sequencers of this document (on other servers) -> when we last saw them commit to it.
  private final Map<String, Long> committers = new HashMap<>();
  // Our submissions handed to another server's sequencer, by src and seq, until their op comes
  // back committed (then acked), or they come back uncommitted or time out (then committed here).
  private final Map<SrcSeq, Handed> handed = new java.util.LinkedHashMap<>();
  // Forwarded submissions taken back to be committed here (a timeout, a hand-back), until answered:
  // the other server may have committed one after all, and then it must be acked the moment its
  // op is applied here, before any later op reaches its client.
  private final Map<SrcSeq, Submission> takenBack = new HashMap<>();
  private List<Submission> toForward; // this turn's, published together at its end
  private String forwardTo;
  private boolean handedTimer;

  /** A server that has not committed to the document for this long is not forwarded to. */
  static final long COMMITTER_ACTIVE_MILLIS = 1_000;
  /** A forwarded submission not settled within this is committed here instead. */
  static final long FORWARD_TIMEOUT_MILLIS = 2_000;

  private record SrcSeq(String src, long seq) {}

  private record Handed(Submission submission, String to, long at) {}

  /** The submitter of a forwarded submission on the server that commits it: not a connection. */
  private static final Subscriber FORWARDED = new Subscriber() {
    @Override
    public String src() {
      return "";
    }

    @Override
    public void send(String message) {}
  };

  /** Bus ops further ahead than this are not kept: the store is read instead. */
  static final int MAX_EARLY = 10_000;

  /**
   * A submission waiting in the queue, with how often it has been retried after conflicts that
   * brought no progress, the version of its last failed try (-1: not tried yet), and its op as
   * transformed so far: {@code rebased} applies at version {@code rebasedAt} (null: not yet, the
   * submitted op at its own version). A retry transforms it only against what was committed
   * since, not again from the version the client sent: an op that lost a few races on a hot
   * document is otherwise transformed against more and more ops each time, and the server that
   * loses falls further behind the more it tries.
   */
  private record Pending(Submission submission, int attempt, long triedAt, Delta rebased, long rebasedAt) {
    Pending(Submission submission) {
      this(submission, 0, -1, null, -1);
    }

    Pending retried(int attempt, long triedAt) {
      return new Pending(submission, attempt, triedAt, rebased, rebasedAt);
    }
  }

  /** A submission transformed and validated, with the version it will get. */
  private record Prepared(Pending pending, CommittedOp op, List<String> catchUp) {}

  DocumentSequencer(String collection, String docId, DocumentStore store, Bus bus, Executor pool,
      Executor storeExecutor, ScheduledExecutorService timers, SequencerSettings settings, java.time.Clock clock,
      CommitTracker commits, ServerMetrics metrics) {
    this.collection = collection;
    this.docId = docId;
    this.store = store;
    this.bus = bus;
    this.storeExecutor = storeExecutor;
    this.settings = settings;
    this.clock = clock;
    this.commits = commits;
    this.metrics = metrics;
    this.timers = timers;
    this.actor = new SerialExecutor(pool, timers, TimeUnit.MILLISECONDS.toNanos(settings.sendLingerMillis()));
    this.lastActivity = clock.millis();
  }

  String docId() {
    return docId;
  }

  // ---- loading ----

  /** Reads the newest snapshot and the ops after it. Runs on the actor before anything else. */
  void ensureLoaded() {
    if (loaded) {
      return;
    }
    long started = System.nanoTime();
    early.clear(); // everything they hold is in the store, read below
    DocumentStore.Opening opening = store.readForOpen(collection, docId);
    Optional<StoredSnapshot> snap = opening.snapshot();
    version = 0;
    type = null;
    doc = null;
    if (snap.isPresent()) {
      StoredSnapshot s = snap.get();
      version = s.version();
      lastTimestamp = s.timestamp();
      snapshotVersion = s.version();
      if (s.type() != null) {
        type = s.type();
        try {
          doc = RichDocument.of(DeltaJson.parse(s.data(), OtLimits.NONE), OtLimits.NONE);
        } catch (OtException e) {
          throw new StoreException("stored snapshot of " + docId + " at " + s.version() + " is unreadable: " + e.getMessage(), e);
        }
      }
    }
    long fromSnapshot = version;
    for (StoredOp op : opening.ops()) {
      applyCommitted(fromStored(op));
    }
    if (reloadFrom >= 0) {
      try {
        for (StoredOp op : store.ops(collection, docId, reloadFrom, version)) {
          fanOut(fromStored(op));
        }
      } catch (OpsCompactedException e) {
        // Only with a retention shorter than the outage: the subscribers cannot be caught up by
        // ops; their next request from their version is refused and they fetch afresh.
        log.warn("{}: the ops subscribers missed were compacted meanwhile: {}", docId, e.getMessage());
      }
      reloadFrom = -1;
    }
    loaded = true;
    knownVersion = version;
    announceHead();
    // The cost of a cold open, which docs/BENCHMARKS.md measures from this line.
    log.info("opened {}/{} v={} in {} ms (snapshot v={} + {} ops)", collection, docId, version,
        String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e6),
        snap.isPresent() ? fromSnapshot : "none", version - fromSnapshot);
  }

  private CommittedOp fromStored(StoredOp op) {
    try {
      return CommittedOp.fromStored(op);
    } catch (OtException e) {
      throw new StoreException("stored op " + docId + "@" + op.version() + " is unreadable: " + e.getMessage(), e);
    }
  }

  /** Applies an op that is already committed to the in-memory state. */
  private void applyCommitted(CommittedOp c) {
    if (c.version() != version) {
      throw new IllegalStateException("op " + c.version() + " applied to " + docId + " at " + version);
    }
    switch (c.kind()) {
      case CREATE:
        type = RichText.URI;
        try {
          doc = RichDocument.of(c.op(), OtLimits.NONE);
        } catch (OtException e) {
          throw new IllegalStateException("committed create does not apply: " + e.getMessage(), e);
        }
        break;
      case EDIT:
        try {
          doc.apply(c.op(), OtLimits.NONE);
        } catch (OtException | NullPointerException e) {
          throw new IllegalStateException("committed op " + c.version() + " of " + docId + " does not apply", e);
        }
        break;
      default:
        type = null;
        doc = null;
    }
    version++;
    knownVersion = version;
    lastTimestamp = Math.max(lastTimestamp, c.timestamp());
    snapshotJson = null;
    lastBySrc.put(c.src(), new long[] {c.seq(), c.version()});
    absentFrom.remove(c.src()); // what the store lacked may be stored now
    recent.addLast(c);
    // Keep recentOps, and more while they are young: a hot document commits thousands of ops a
    // second, and a client whose op is based on a version older than what is kept here makes the
    // transform read the store on the actor, slowing the very document that is busiest.
    while (recent.size() > settings.recentOps()
        && (recent.size() > MAX_RECENT || recent.peekFirst().timestamp() < c.timestamp() - RECENT_WINDOW_MILLIS)) {
      recent.removeFirst();
    }
  }

  /** Ops younger than this are kept in memory beyond recentOps, up to {@link #MAX_RECENT}. */
  static final long RECENT_WINDOW_MILLIS = 30_000;
  static final int MAX_RECENT = 20_000;

  // ---- reads ----

  public long version() {
    return version;
  }

  /** The version, readable from any thread, possibly a moment old. */
  long knownVersion() {
    return knownVersion;
  }

  public String type() {
    return type;
  }

  public long lastTimestamp() {
    return lastTimestamp;
  }

  /** ShareDB's snapshot object {@code {v, data, type}} for the committed state, cached per version. */
  public String snapshotJson() {
    if (snapshotJson == null) {
      snapshotJson = Snapshots.json(version, type, doc == null ? null : doc.toDelta());
    }
    return snapshotJson;
  }

  /** Committed ops {@code [from, version)} as broadcast messages, from memory or the store. */
  public List<String> opsSince(long from) {
    List<CommittedOp> ops = committedSince(from);
    List<String> out = new ArrayList<>(ops.size());
    for (CommittedOp c : ops) {
      out.add(c.wire());
    }
    return out;
  }

  /** Committed ops {@code [from, version)}, from memory or the store. */
  private List<CommittedOp> committedSince(long from) {
    if (from >= version) {
      return List.of();
    }
    if (!recent.isEmpty() && recent.peekFirst().version() <= from) {
      // recent holds consecutive versions up to version - 1: take its tail, walking back from the
      // end. Walking from the front cost a scan of the whole window (up to MAX_RECENT ops) for
      // every submission of a hot document, most of the server's CPU at 2,000 ops/s.
      CommittedOp[] out = new CommittedOp[(int) (version - from)];
      java.util.Iterator<CommittedOp> it = recent.descendingIterator();
      for (int i = out.length - 1; i >= 0; i--) {
        out[i] = it.next();
      }
      return java.util.Arrays.asList(out);
    }
    List<CommittedOp> out = new ArrayList<>();
    for (StoredOp op : store.ops(collection, docId, from, version)) {
      out.add(fromStored(op));
    }
    return out;
  }

  public void subscribe(Subscriber s) {
    subscribers.putIfAbsent(s, version);
    touch();
  }

  public void unsubscribe(Subscriber s) {
    subscribers.remove(s);
    touch();
  }

  boolean idleSince(long cutoff) {
    return subscribers.isEmpty() && pending.isEmpty() && handed.isEmpty() && !committing && !reading
        && lastActivity < cutoff;
  }

  private void touch() {
    lastActivity = clock.millis();
  }

  /** Moves a presence range to the current version (sharedb-protocol.md §2.5). */
  public ObjectNode transformPresence(ObjectNode range, long from, String src) {
    if (from > version || type == null) {
      return null;
    }
    ObjectNode r = range;
    List<CommittedOp> since;
    try {
      since = committedSince(from);
    } catch (OpsCompactedException e) {
      return null; // too old to move: dropped, as a range that cannot be transformed
    }
    for (CommittedOp c : since) {
      if (c.kind() != StoredOp.Kind.EDIT || r == null) {
        return null;
      }
      r = RichText.transformPresence(r, c.op(), c.src().equals(src));
    }
    return r;
  }

  // ---- submissions ----

  public void submit(Submission s) {
    touch();
    metrics.submitted();
    String to = settings.forwardCommits() && CommitForwarding.forwardable(s) ? committer() : null;
    if (to != null && s.version() <= version && duplicateOf(s) == null) {
      forward(s, to);
      return;
    }
    pending.addLast(new Pending(s));
    startBatch();
  }

  // ---- commit forwarding ----

  /**
   * The sequencer to forward submissions to: of the others that committed to this document
   * lately, the one with the smallest id, if it is smaller than ours; else null (commit here).
   * Every server picks the same one, so they do not forward to each other.
   */
  private String committer() {
    if (committers.isEmpty()) {
      return null;
    }
    long cutoff = clock.millis() - COMMITTER_ACTIVE_MILLIS;
    committers.values().removeIf(at -> at < cutoff);
    String best = null;
    for (String id : committers.keySet()) {
      if (id.compareTo(instanceId) < 0 && (best == null || id.compareTo(best) < 0)) {
        best = id;
      }
    }
    return best;
  }

  /** This sequencer's id, as other servers know it (tests). */
  String sequencerId() {
    return instanceId;
  }

  /** The sequencer this one would forward a submission to now, or null (tests). */
  String forwardTarget() {
    return committer();
  }

  private void forward(Submission s, String to) {
    metrics.forwarded();
    if (handed.put(new SrcSeq(s.src(), s.seq()), new Handed(s, to, clock.millis())) != null) {
      // The same op sent again (its client reconnected): this copy gets the answer.
      metrics.answered();
    }
    if (toForward != null && !to.equals(forwardTo)) {
      flushForwards();
    }
    if (toForward == null) {
      toForward = new ArrayList<>();
      forwardTo = to;
      actor.execute(this::flushForwards); // after the submissions already queued on the actor
    }
    toForward.add(s);
    if (!handedTimer) {
      handedTimer = true;
      timers.schedule(() -> actor.execute(this::checkHanded), FORWARD_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void flushForwards() {
    if (toForward == null) {
      return;
    }
    bus.publish(Channels.ops(collection, docId), CommitForwarding.forward(forwardTo, instanceId, toForward));
    toForward = null;
    forwardTo = null;
  }

  /** Commits here what another server did not settle in time; that server is not asked again. */
  private void checkHanded() {
    handedTimer = false;
    long cutoff = clock.millis() - FORWARD_TIMEOUT_MILLIS;
    int late = 0;
    for (java.util.Iterator<Handed> it = handed.values().iterator(); it.hasNext(); ) {
      Handed h = it.next();
      if (h.at() <= cutoff) {
        it.remove();
        committers.remove(h.to());
        metrics.forwardTimedOut();
        takeBack(h.submission());
        late++;
      }
    }
    if (!handed.isEmpty()) {
      handedTimer = true;
      timers.schedule(() -> actor.execute(this::checkHanded), FORWARD_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }
    if (late > 0) {
      log.info("{} forwarded op(s) of {} not settled in {} ms; committing them here", late, docId,
          FORWARD_TIMEOUT_MILLIS);
      startBatch();
    }
  }

  /** Submissions another server forwarded to this one: committed like our own. */
  void onForward(String message) {
    com.fasterxml.jackson.databind.JsonNode msg = CommitForwarding.read(message);
    String from = CommitForwarding.sender(msg);
    List<Submission> subs = new ArrayList<>();
    for (CommitForwarding.Forwarded f : CommitForwarding.submissions(msg, settings.limits())) {
      metrics.submitted();
      subs.add(new Submission(FORWARDED, f.src(), f.seq(), f.version(), StoredOp.Kind.EDIT, f.op(),
          new HandBack(from, f.src(), f.seq())));
    }
    if (!loaded) {
      // The state was dropped (a failed commit or read) and not yet reloaded: reload first, as
      // our own submissions do (they come through DocumentRegistry.run).
      try {
        ensureLoaded();
      } catch (RuntimeException e) {
        log.warn("reload of {} for forwarded ops failed: {}", docId, e.toString());
        subs.forEach(this::unavailable); // handed back: the forwarder answers its clients
        return;
      }
    }
    for (Submission sub : subs) {
      pending.addLast(new Pending(sub));
    }
    touch();
    startBatch();
  }

  /**
   * The answer to a forwarded submission. Its ack reaches the forwarder as the committed op
   * itself, on the bus — a duplicate's too: the op was committed before, and the forwarder acks
   * it when it applies that op, after the ops before it (or, if it had it already, when its
   * timeout runs the submission here). A refusal or a store failure is handed back, and the
   * forwarder runs the submission itself: it then gets the right answer from the right place.
   */
  private final class HandBack implements Submission.Reply {
    private final String to;
    private final String src;
    private final long seq;

    HandBack(String to, String src, long seq) {
      this.to = to;
      this.src = src;
      this.seq = seq;
    }

    @Override
    public void acked(long v) {}

    @Override
    public void rejected(String code, String message) {
      back();
    }

    @Override
    public void unavailable() {
      back();
    }

    private void back() {
      bus.publish(Channels.ops(collection, docId), CommitForwarding.back(to, src, seq));
    }
  }

  /** A forwarded submission of ours came back uncommitted: commit it here. */
  void onHandedBack(String message) {
    CommitForwarding.Back b = CommitForwarding.backed(message);
    Handed h = b == null ? null : handed.remove(new SrcSeq(b.src(), b.seq()));
    if (h != null) {
      metrics.forwardHandedBack();
      takeBack(h.submission());
      startBatch();
    }
  }

  private void takeBack(Submission s) {
    takenBack.put(new SrcSeq(s.src(), s.seq()), s);
    pending.addLast(new Pending(s));
  }

  /** True when {@code id} is this sequencer's id (bus messages addressed to one sequencer). */
  boolean isSequencer(String id) {
    return instanceId.equals(id);
  }

  /** Another sequencer committed to this document (a bus envelope from it). */
  void onCommitBy(String id) {
    if (id != null && !id.equals(instanceId)) {
      committers.put(id, clock.millis());
    }
  }

  /**
   * Acks a forwarded submission of ours whose op has just been applied and fanned out: one still
   * handed to another server, or one taken back and queued here (committed by the other server
   * after all). Our own commit of a taken-back one is acked by the batch, before this runs.
   */
  private void settleHanded(CommittedOp c) {
    SrcSeq key = new SrcSeq(c.src(), c.seq());
    Handed h = handed.remove(key);
    Submission s = h != null ? h.submission() : null;
    if (s == null) {
      Submission back = takenBack.get(key);
      if (back == null || !pending.removeIf(p -> p.submission() == back)) {
        return;
      }
      s = back;
    }
    for (String m : catchUpFor(s, s.version(), c.version())) {
      s.from().send(m);
    }
    acked(s, c.version());
  }

  /**
   * The ops committed in {@code [base, upTo)} that {@code s}'s submitter must get before its ack:
   * a subscribed submitter has received (or will, before its ack) every op committed since it
   * subscribed; only older ones are sent, and none of its own. The reference sends them all
   * again, doubling the frames of a busy document: each op's sender gets every op committed while
   * it was in flight twice.
   */
  private List<String> catchUpFor(Submission s, long base, long upTo) {
    List<String> out = new ArrayList<>();
    Long subscribedAt = subscribers.get(s.from());
    if (s.from() == FORWARDED || (subscribedAt != null && subscribedAt <= base)) {
      return out;
    }
    for (CommittedOp c : committedSince(base)) {
      if (c.version() < upTo && !c.src().equals(s.src())
          && (subscribedAt == null || c.version() < subscribedAt)) {
        out.add(c.wire());
      }
    }
    return out;
  }

  private void startBatch() {
    if (committing || reading || waitingForBus || pending.isEmpty()) {
      return;
    }
    long wait = yieldUntil - clock.millis();
    if (wait > 0) {
      if (!yieldTimer) {
        yieldTimer = true;
        timers.schedule(() -> actor.execute(() -> {
          yieldTimer = false;
          startBatch();
        }), wait, TimeUnit.MILLISECONDS);
      }
      return;
    }
    long nextVersion = version;
    String nextType = type;
    long nextLength = doc == null ? 0 : doc.length();
    List<Prepared> batch = new ArrayList<>();
    List<CommittedOp> batchOps = new ArrayList<>();
    boolean behindStore = false;
    long timestamp = Math.max(clock.millis(), lastTimestamp);
    while (!pending.isEmpty() && batch.size() < settings.maxBatch()) {
      Pending p = pending.pollFirst();
      Submission s = p.submission();
      MDC.put("doc", docId);
      try {
        if (p.triedAt() == version) {
          // Its last try conflicted and nothing has been learnt since: a failed attempt.
          p = p.retried(p.attempt() + 1, p.triedAt());
          if (p.attempt() > settings.maxSubmitRetries()) {
            // Refusing would make the client roll the edit back (the reference's error code does
            // exactly that); closing the connection (1013) makes it reconnect and resend the same
            // op, which is then committed or deduplicated.
            metrics.retriesExhausted();
            log.warn("op {}#{} conflicted {} times without progress; asking its client to resend",
                s.src(), s.seq(), p.attempt());
            unavailable(s);
            continue;
          }
        }
        if (resentWithin(s, batchOps)) {
          // The same op resent on a new connection while its first copy is in this batch:
          // once that copy is committed this one is a plain duplicate (acked below, next batch).
          // Refusing it would make the client roll back and drop its pending edits.
          pending.addFirst(p);
          break;
        }
        long[] dup = duplicateOf(s);
        if (dup != null && dup[1] >= version) {
          // Committed (the store says so) at a version this server has not applied: by a server
          // that died before publishing it, say. Read up to it first, so that the ops before it
          // reach the client before its ack (a later op would be dropped as old by the client).
          pending.addFirst(p);
          behindStore = true;
          break;
        }
        if (dup != null) {
          // A resent op whose ack was lost: the ops committed between the version it was sent
          // at and its own were usually lost with that connection too. They come before the
          // ack (invariant 4); without them the client warns of a version mismatch and refetches.
          if (s.version() != null) {
            for (String m : catchUpFor(s, s.version(), dup[1])) {
              s.from().send(m);
            }
          }
          acked(s, dup[1]);
          continue;
        }
        long base = s.version() == null ? nextVersion : s.version();
        if (base > nextVersion) {
          // The client saw ops this server has not received yet (it reconnected here from
          // another server, which committed them): the store knows them. Catch up before judging.
          if (!batch.isEmpty()) {
            pending.addFirst(p); // the batch so far is based on older state: next batch
            break;
          }
          catchUpFromStore();
          nextVersion = version;
          nextType = type;
          nextLength = doc == null ? 0 : doc.length();
        }
        if (base > nextVersion) {
          throw new Refusal(ErrorCode.OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT.code(),
              "op version " + base + " is newer than the document's version " + nextVersion);
        }
        // First against everything committed (from where an earlier try left it), which is kept
        // for a retry; then against the ops ahead of it in this batch, which are not committed.
        Delta op = p.rebased() != null ? p.rebased() : s.op();
        long from = p.rebased() != null ? p.rebasedAt() : base;
        List<CommittedOp> since = committedSince(from);
        CommittedOp copy = committedCopy(s, since);
        if (copy != null) {
          // Committed already, through another copy: one resent on another connection, or
          // forwarded to a server that committed it while this one was taking it back.
          // duplicateOf misses it when the copy was committed by another server after the store
          // was last asked. Acknowledged with its version (invariant 3), never refused: a refusal
          // rolls the edit back in the client although it is in the document.
          for (String m : catchUpFor(s, base, copy.version())) {
            s.from().send(m);
          }
          acked(s, copy.version());
          continue;
        }
        for (CommittedOp c : since) {
          op = transformAgainst(s, op, c);
        }
        p = new Pending(s, p.attempt(), p.triedAt(), op, version);
        // The ops committed after the client's version come before its ack.
        List<String> catchUp = catchUpFor(s, base, Long.MAX_VALUE);
        Long subscribedAt = subscribers.get(s.from());
        for (CommittedOp c : batchOps) {
          op = transformAgainst(s, op, c);
          if (s.from() != FORWARDED && !c.src().equals(s.src()) && (subscribedAt == null || c.version() < subscribedAt)) {
            catchUp.add(c.wire());
          }
        }
        switch (s.kind()) {
          case CREATE:
            if (nextType != null) {
              throw new Refusal(ErrorCode.DOC_ALREADY_CREATED.code(), "the document already exists");
            }
            settings.limits().checkDocLength(op.length());
            nextType = RichText.URI;
            nextLength = op.length();
            break;
          case EDIT:
            if (nextType == null) {
              throw new Refusal(ErrorCode.DOC_DOES_NOT_EXIST.code(), "the document does not exist");
            }
            RichText.checkApplicable(nextLength, op, settings.limits());
            nextLength += op.changeLength();
            break;
          default:
            if (nextType == null) {
              throw new Refusal(ErrorCode.DOC_DOES_NOT_EXIST.code(), "the document does not exist");
            }
            nextType = null;
            nextLength = 0;
        }
        CommittedOp c = CommittedOp.of(collection, docId, nextVersion, s.src(), s.seq(), s.kind(), op, timestamp);
        batch.add(new Prepared(p, c, catchUp));
        batchOps.add(c);
        nextVersion++;
      } catch (Refusal r) {
        rejected(s, r.code, r.getMessage());
      } catch (OtException e) {
        rejected(s, e.code(), e.getMessage());
      } catch (OpsCompactedException e) {
        // Based on a version whose ops were deleted: nothing to transform it against, ever.
        rejected(s, ErrorCode.OPS_COMPACTED.code(), e.getMessage());
      } catch (StoreException e) {
        log.warn("store read failed while preparing an op: {}", e.toString());
        unavailable(s);
      } catch (RuntimeException e) {
        // A bug, not bad input: the op is refused (never half-applied) and the connection lives on.
        log.error("preparing an op failed", e);
        rejected(s, ErrorCode.INTERNAL.code(), "internal error; the op was not applied");
      } finally {
        MDC.remove("doc");
      }
    }
    if (batch.isEmpty()) {
      if (behindStore) {
        startRead();
        return;
      }
      startBatch();
      return;
    }
    committing = true;
    commits.started();
    List<StoredOp> rows = new ArrayList<>(batch.size());
    for (Prepared p : batch) {
      rows.add(p.op().toStored(collection, docId));
    }
    long started = System.nanoTime();
    java.util.concurrent.CompletableFuture<CommitResult> commit;
    try {
      commit = store.commitAsync(collection, docId, rows, storeExecutor);
    } catch (RuntimeException e) {
      commit = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    commit.whenComplete((result, error) -> {
      long took = System.nanoTime() - started;
      if (result == CommitResult.COMMITTED) {
        metrics.committed(rows.size(), took);
      } else {
        metrics.commitAttempt(rows.size(), took);
      }
      RuntimeException failure = error == null ? null : unwrap(error);
      actor.execute(() -> finishBatch(batch, failure == null ? result : null, failure));
    });
  }

  private static RuntimeException unwrap(Throwable error) {
    Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    return t instanceof RuntimeException r ? r : new StoreException("commit failed: " + t, t);
  }

  // Every answer to a submission goes through these, so the pending gauge comes back down.

  private void acked(Submission s, long v) {
    answered(s);
    s.reply().acked(v);
  }

  private void rejected(Submission s, String code, String message) {
    answered(s);
    s.reply().rejected(code, message);
  }

  private void unavailable(Submission s) {
    answered(s);
    s.reply().unavailable();
  }

  private void answered(Submission s) {
    metrics.answered();
    if (!takenBack.isEmpty()) {
      takenBack.remove(new SrcSeq(s.src(), s.seq()), s);
    }
  }

  /** True when another copy of this submission (same src and seq) is in the batch being built. */
  private static boolean resentWithin(Submission s, List<CommittedOp> batchOps) {
    for (CommittedOp c : batchOps) {
      if (c.src().equals(s.src()) && c.seq() == s.seq()) {
        return true;
      }
    }
    return false;
  }

  /** The {@code (seq, version)} this submission was already committed as, or null. */
  private long[] duplicateOf(Submission s) {
    long[] last = lastBySrc.get(s.src());
    if (last != null && last[0] == s.seq()) {
      return last;
    }
    Long absent = absentFrom.get(s.src());
    if ((last == null || s.seq() < last[0]) && (absent == null || s.seq() < absent)) {
      // Not seen since this document was loaded, or older than the last: ask the store, once —
      // an op that keeps losing commit races is asked about again on every retry otherwise, a
      // read on the actor each time (it starved a server of a hot document).
      Optional<StoredOp> found = store.findBySource(collection, docId, s.src(), s.seq());
      if (found.isPresent()) {
        return new long[] {s.seq(), found.get().version()};
      }
      absentFrom.put(s.src(), s.seq());
    }
    return null;
  }

  /** The op in {@code committed} that {@code s} submitted (same src and seq), or null. */
  private static CommittedOp committedCopy(Submission s, List<CommittedOp> committed) {
    for (CommittedOp c : committed) {
      if (c.seq() == s.seq() && c.src().equals(s.src())) {
        return c;
      }
    }
    return null;
  }

  /** The submitted op rewritten to apply after {@code c}; the committed op wins ties. */
  private static Delta transformAgainst(Submission s, Delta op, CommittedOp c) throws Refusal {
    if (c.src().equals(s.src()) && c.seq() == s.seq()) {
      throw new Refusal(ErrorCode.OP_SUBMIT_REJECTED.code(), "the op was submitted twice at once");
    }
    StoredOp.Kind mine = s.kind();
    switch (c.kind()) {
      case DELETE:
        if (mine != StoredOp.Kind.DELETE) {
          throw new Refusal(ErrorCode.DOC_WAS_DELETED.code(), "the document was deleted");
        }
        return op;
      case CREATE:
        throw new Refusal(ErrorCode.DOC_ALREADY_CREATED.code(), "the document was created concurrently");
      default:
        if (mine == StoredOp.Kind.CREATE) {
          throw new Refusal(ErrorCode.DOC_ALREADY_CREATED.code(), "the document already exists");
        }
        return mine == StoredOp.Kind.EDIT ? RichText.transform(op, c.op(), RichText.Side.LEFT) : op;
    }
  }

  private void finishBatch(List<Prepared> batch, CommitResult result, RuntimeException failure) {
    committing = false;
    commits.finished();
    MDC.put("doc", docId);
    try {
      if (failure != null) {
        log.warn("commit of {} op(s) at version {} failed: {}", batch.size(), version, failure.toString());
        // The commit may or may not have reached the disk: reload before the next batch.
        dropState();
        for (Prepared p : batch) {
          unavailable(p.pending().submission());
        }
      } else if (result == CommitResult.CONFLICT) {
        metrics.conflict();
        // Someone else committed first: take their ops, then retry ours, at the front, in order.
        // A conflict that brought new ops is progress (another server busy on this document can
        // win every race for a while): only tries that learnt nothing since the last count as
        // failed attempts (startBatch counts them).
        long before = version;
        for (int i = batch.size() - 1; i >= 0; i--) {
          Pending p = batch.get(i).pending();
          pending.addFirst(p.retried(p.attempt(), before));
        }
        drainEarly();
        if (loaded && version == before && !needRead) {
          // The winner's ops are on their way on the bus: wait for them a moment, then read. And
          // ask for a turn: a server whose authors keep it busy would otherwise start its next
          // commit before this one even hears of the last, and win every race.
          bus.publish(Channels.ops(collection, docId), turnRequest());
          waitForBus();
          return;
        }
      } else {
        Failpoint.committed(); // fault tests: die here, committed but neither acked nor published
        List<CommittedOp> committed = new ArrayList<>(batch.size());
        for (Prepared p : batch) {
          publishCommitted(p.op(), p.pending().submission(), p.catchUp());
          committed.add(p.op());
        }
        bus.publish(Channels.ops(collection, docId), BusEnvelope.of(committed, instanceId));
        maybeSnapshot();
        drainEarly();
      }
    } finally {
      MDC.remove("doc");
    }
    resume();
  }

  /**
   * After a commit or a read: reload if the state was dropped, read the store if asked to, wait
   * for the bus if there is a gap, else start the next batch.
   */
  private void resume() {
    if (!loaded) {
      try {
        ensureLoaded();
        reloadDelay = RELOAD_MIN_MILLIS;
      } catch (RuntimeException e) {
        log.warn("reload failed: {}", e.toString());
        for (Pending p : pending) {
          unavailable(p.submission());
        }
        pending.clear();
        scheduleReload();
        return;
      }
    }
    if (needRead) {
      needRead = false;
      startRead();
      return;
    }
    if (!early.isEmpty()) {
      waitForBus(); // a gap before them: the missing ops are usually a moment behind
      return;
    }
    startBatch();
  }

  /**
   * Tries the reload again later (backing off to {@link #RELOAD_MAX_MILLIS}) while anyone is
   * subscribed here. Without it a document whose reload failed (the store was down) stayed
   * unloaded until someone submitted an op on this server: its subscribers, who only read, got
   * nothing more, although the store was back and other servers' ops kept arriving.
   */
  private void scheduleReload() {
    if (reloadTimer || evicted || subscribers.isEmpty()) {
      return;
    }
    reloadTimer = true;
    long delay = reloadDelay;
    reloadDelay = Math.min(RELOAD_MAX_MILLIS, reloadDelay * 2);
    timers.schedule(() -> actor.execute(() -> {
      reloadTimer = false;
      if (!loaded && !evicted && !committing && !reading) {
        resume();
      }
    }), delay, TimeUnit.MILLISECONDS);
  }

  private boolean reloadTimer;
  private long reloadDelay = RELOAD_MIN_MILLIS;
  static final long RELOAD_MIN_MILLIS = 250;
  static final long RELOAD_MAX_MILLIS = 5_000;

  /** Forgets the document's state; it is read again from the store before the next batch. */
  private void dropState() {
    loaded = false;
    reloadFrom = version;
    recent.clear();
    lastBySrc.clear();
    absentFrom.clear();
    early.clear();
  }

  /** Applies the early ops that are next in line, in version order; drops the ones already had. */
  private void drainEarly() {
    try {
      while (!early.isEmpty()) {
        long v = early.firstKey();
        if (v > version) {
          return;
        }
        CommittedOp c = early.pollFirstEntry().getValue();
        if (v == version) {
          metrics.busLag(clock.millis() - c.timestamp());
          applyCommitted(c);
          fanOut(c);
          yieldUntil = 0; // another server committed: whoever asked for a turn has had it
        }
      }
    } catch (RuntimeException e) {
      log.warn("could not apply an op from the bus; reloading {}: {}", docId, e.toString());
      dropState();
    }
  }

  /** Behind, with the bus probably bringing what is missing: wait for it, up to busWaitMillis. */
  private void waitForBus() {
    if (waitingForBus) {
      return;
    }
    waitingForBus = true;
    long generation = ++waitGeneration;
    timers.schedule(() -> actor.execute(() -> {
      if (waitingForBus && generation == waitGeneration) {
        waitingForBus = false;
        metrics.busGapFilled();
        startRead();
      }
    }), settings.busWaitMillis(), TimeUnit.MILLISECONDS);
  }

  private void stopWaitingForBus() {
    waitingForBus = false;
    waitGeneration++;
  }

  /**
   * Reads the ops committed since our version from the store, off the actor; they are applied
   * and fanned out when the read returns. A failed read drops the state (reload).
   */
  private void startRead() {
    if (reading || !loaded) {
      return;
    }
    reading = true;
    long from = version;
    storeExecutor.execute(() -> {
      List<StoredOp> ops = null;
      RuntimeException failure = null;
      try {
        ops = store.ops(collection, docId, from, Long.MAX_VALUE);
      } catch (RuntimeException e) {
        failure = e;
      }
      List<StoredOp> read = ops;
      RuntimeException f = failure;
      actor.execute(() -> finishRead(read, f));
    });
  }

  private void finishRead(List<StoredOp> ops, RuntimeException failure) {
    reading = false;
    MDC.put("doc", docId);
    try {
      if (failure != null) {
        throw failure;
      }
      long before = version;
      for (StoredOp op : ops) {
        if (op.version() == version) {
          CommittedOp c = fromStored(op);
          applyCommitted(c);
          fanOut(c);
        }
      }
      if (version > before) {
        announceHead();
      }
      drainEarly();
    } catch (RuntimeException e) {
      log.warn("catch-up of {} from the store failed; reloading: {}", docId, e.toString());
      dropState();
    } finally {
      MDC.remove("doc");
    }
    resume();
  }

  /** Applies, acknowledges and fans out one op that the store has committed (the bus is told after). */
  private void publishCommitted(CommittedOp c, Submission s, List<String> catchUp) {
    applyCommitted(c);
    if (s != null) {
      for (String m : catchUp) {
        s.from().send(m);
      }
      acked(s, c.version());
    }
    fanOut(c);
  }

  /** Sends a committed op to our subscribers, except the connection that submitted it. */
  private void fanOut(CommittedOp c) {
    for (Subscriber sub : subscribers.keySet()) {
      if (!sub.src().equals(c.src())) {
        sub.send(c.wire(), c.utf8());
      }
    }
    if (!handed.isEmpty() || !takenBack.isEmpty()) {
      settleHanded(c); // it may be the op of a submission we forwarded: its ack comes after it
    }
  }

  /**
   * Reads ops committed elsewhere since our version, applies them and fans them out, on the
   * actor (blocking): only for a client that is ahead of this server, which is rare.
   */
  private void catchUpFromStore() {
    for (StoredOp op : store.ops(collection, docId, version, Long.MAX_VALUE)) {
      if (op.version() == version) {
        CommittedOp c = fromStored(op);
        applyCommitted(c);
        fanOut(c);
      }
    }
    drainEarly();
  }

  /**
   * An op published on the bus by another server (or our own, coming back). Applied strictly by
   * version: an older one is a duplicate; the next one is applied and fanned out; a later one
   * waits in {@code early} for the ones before it (from the bus, or the store after a moment).
   */
  void onBusOp(CommittedOp c) {
    if (!loaded) {
      scheduleReload(); // the store has it; reading it is what is left to do
      return;
    }
    if (c.version() < version) {
      return;
    }
    if (c.version() - version > MAX_EARLY) {
      needRead = true; // far behind: the store, not memory, holds the way there
    } else {
      early.put(c.version(), c);
    }
    if (committing || reading) {
      return; // applied in order when the commit or read returns
    }
    drainEarly();
    if (waitingForBus) {
      if (early.isEmpty() && !needRead) {
        stopWaitingForBus(); // the gap, or the ops that beat our commit, arrived
        resume();
      }
      return;
    }
    resume();
  }

  /**
   * Tells the other servers the version this one has read from the store: a server that died
   * between a commit and its publish leaves ops that only the store knows, and nothing else would
   * reveal them to a server that holds the document open until its next op (a reader there would
   * wait for it). One message per open and per store read that brought ops; a server behind it
   * reads the store; the others drop it.
   */
  private void announceHead() {
    bus.publish(Channels.ops(collection, docId), HEAD + version + "}");
  }

  private static final String HEAD = "{\"head\":";

  /** The version a head announcement names, or -1 if {@code message} is not one. */
  static long announcedHead(String message) {
    return message.startsWith(HEAD) ? BusEnvelope.digitsAt(message, HEAD.length()) : -1;
  }

  /** Another server has read this document up to {@code head} from the store: catch up if behind. */
  void onHead(long head) {
    if (loaded && head > version) {
      catchUp();
    }
  }

  /** The bus message asking the other servers that commit to this document for one turn. */
  String turnRequest() {
    return "{\"turn\":\"" + instanceId + "\"}";
  }

  /** The sender of a turn request, or null if {@code message} is not one. */
  static String turnRequester(String message) {
    return message.startsWith("{\"turn\":\"") && message.endsWith("\"}") ? message.substring(9, message.length() - 2) : null;
  }

  /**
   * Another server lost a commit race on this document and asks for a turn: no batch starts here
   * for {@link #YIELD_MILLIS}, or until an op committed by another server arrives, whichever is
   * first. Optimistic commits are not fair by themselves: with two servers on one document, the
   * one whose authors keep it busy starts its next commit right after the last, before the other
   * has heard of it, and the other loses every race (measured: one server committed 50 ops of
   * 9,000 in a run, each of its authors waiting seconds).
   */
  void onTurnRequest(String from) {
    if (!loaded || from.equals(instanceId)) {
      return;
    }
    yieldUntil = clock.millis() + YIELD_MILLIS;
  }

  /** Reads what may have been missed while the bus was disconnected. */
  void catchUp() {
    if (!loaded) {
      return;
    }
    if (committing || reading) {
      needRead = true;
      return;
    }
    stopWaitingForBus();
    startRead();
  }

  private void maybeSnapshot() {
    if (version - Math.max(snapshotVersion, 0) >= settings.snapshotInterval(doc == null ? 0 : doc.length())) {
      writeSnapshot();
    }
  }

  /** Writes a snapshot of the current version unless one is stored already. */
  void writeSnapshot() {
    if (!loaded || version == snapshotVersion || version == 0) {
      return;
    }
    // Nothing proportional to the text is done here, on the actor: freezing the tree is O(1) (it
    // is copy-on-write from now on, so the next op copies the one path it touches), and the walk
    // over it and the JSON, a pass over the whole text with escaping, are done on the store's
    // thread with the write. A long document's snapshot no longer holds up the ops behind it.
    FrozenDocument content = doc == null ? null : doc.freeze();
    long at = version;
    String atType = type;
    long atTimestamp = lastTimestamp;
    snapshotVersion = version;
    storeExecutor.execute(() -> {
      try {
        store.writeSnapshot(new StoredSnapshot(collection, docId, at, atType,
            content == null ? null : DeltaJson.write(content.toDelta()), atTimestamp));
      } catch (RuntimeException e) {
        log.warn("snapshot of {} at {} failed: {}", docId, at, e.toString());
      }
    });
  }

  int subscriberCount() {
    return subscribers.size();
  }

  /** A refusal with a protocol code. */
  static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    final String code;

    Refusal(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
