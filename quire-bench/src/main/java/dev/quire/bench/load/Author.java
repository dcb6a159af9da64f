package dev.quire.bench.load;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongArray;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One person at a keyboard (or, with {@code typing == false}, one idle viewer): one WebSocket to
 * one server, subscribed to one document, speaking the ShareDB protocol as the npm client does —
 * at most one op in flight; keystrokes made while it is in flight are sent together as the next
 * op once it is acknowledged (the client composes them the same way).
 *
 * <p>The author keeps the document's version and length, not its text: every op it receives is
 * applied to those two numbers, in version order, so it always knows where it may insert or
 * delete. Callbacks of one connection come one at a time; the lock guards against the typing
 * ticker and the final checks.
 */
public final class Author implements Session.Listener.AutoDemanding {
  private static final int RING = 256; // sent ops remembered for remote-delivery latency

  final int index;
  final int server;
  final String docId;
  final java.net.URI url;
  final boolean typing;
  private final LoadRun run;
  private final SplittableRandom random;
  private final char letter;

  private volatile Session session;
  private volatile String src;
  private CompletableFuture<Frame> reply; // the one request in flight (hs, s, f, create)
  private String replyAction;

  // Guarded by this.
  private long version = -1;
  private long length;
  private boolean inflight;
  private long inflightSeq;
  private long inflightT0;
  private long inflightDelta;
  /** Where the character the op in flight deletes now is, or -1 (an insert, or deleted already). */
  private long inflightDeleteAt = -1;
  private int inflightKeys;
  private long seq;
  private int pendingKeys;
  private long pendingT0;
  private long nextDue;
  private long acked;
  private boolean failed;
  // Ops (and our ack) that came after a gap, by version, until the ops before them arrive.
  private final java.util.TreeMap<Long, Frame> early = new java.util.TreeMap<>();
  private boolean fillingGap;

  // Written by this author's thread, read by any receiver: seq and send time of recent ops. Only
  // typists have them: 4 KB each would be most of an idle viewer's memory (50,000 of them).
  private final AtomicLongArray ringSeq;
  private final AtomicLongArray ringT0;

  Author(LoadRun run, int index, int server, java.net.URI url, String docId, boolean typing, long seed) {
    this.run = run;
    this.index = index;
    this.server = server;
    this.url = url;
    this.docId = docId;
    this.typing = typing;
    this.random = new SplittableRandom(seed);
    this.letter = (char) ('a' + index % 26);
    this.ringSeq = typing ? new AtomicLongArray(RING) : null;
    this.ringT0 = typing ? new AtomicLongArray(RING) : null;
  }

  String src() {
    return src;
  }

  // ---- requests before typing ----

  /** Opened: the handshake is the first message, as the npm client sends it. */
  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
  }

  /** Jetty completes the connect future after {@link #onWebSocketOpen}; either way, the session is set. */
  void opened(Session session) {
    this.session = session;
  }

  CompletableFuture<Frame> handshake() {
    return request("hs", "{\"a\":\"hs\",\"id\":null,\"protocol\":1,\"protocolMinor\":2}").thenApply(f -> {
      src = f.id;
      run.register(this);
      return f;
    });
  }

  CompletableFuture<Frame> subscribe() {
    return request("s", "{\"a\":\"s\",\"c\":\"docs\",\"d\":\"" + docId + "\"}").thenApply(f -> {
      synchronized (this) {
        version = f.data.path("v").asLong();
        length = Frame.length(f.data.get("data"));
      }
      return f;
    });
  }

  /** Creates the document with {@code text} (the author must have subscribed to it, at version 0). */
  CompletableFuture<Frame> create(String text) {
    String data = Frame.JSON.createArrayNode().add(Frame.JSON.createObjectNode().put("insert", text)).toString();
    long s;
    synchronized (this) {
      s = ++seq;
    }
    return request("op", "{\"a\":\"op\",\"c\":\"docs\",\"d\":\"" + docId + "\",\"v\":0,\"seq\":" + s
        + ",\"x\":{},\"create\":{\"type\":\"http://sharejs.org/types/rich-text/v1\",\"data\":" + data + "}}")
        .thenApply(f -> {
          synchronized (this) {
            version = f.version + 1;
            length = text.length();
          }
          return f;
        });
  }

  CompletableFuture<Frame> fetch() {
    return request("f", "{\"a\":\"f\",\"c\":\"docs\",\"d\":\"" + docId + "\"}");
  }

  private CompletableFuture<Frame> request(String action, String message) {
    CompletableFuture<Frame> f = new CompletableFuture<>();
    synchronized (this) {
      reply = f;
      replyAction = action;
    }
    session.sendText(message, Callback.from(() -> {}, f::completeExceptionally));
    return f;
  }

  // ---- typing ----

  /** Starts typing at {@code start} (fixed rate) or at once (closed loop). */
  synchronized void startTyping(long start) {
    nextDue = start;
    if (run.rate == 0) {
      submit(1, System.nanoTime());
    }
  }

  /** Fixed rate: the keystrokes due by {@code now} join the next op. */
  synchronized void tick(long now) {
    if (run.stopped() || failed) {
      return;
    }
    while (nextDue <= now) {
      if (pendingKeys == 0) {
        pendingT0 = nextDue; // latency counts from the first keystroke, as a typist sees it
      }
      pendingKeys++;
      run.keystroke(nextDue);
      nextDue += run.intervalNanos;
    }
    if (!inflight && pendingKeys > 0) {
      submit(pendingKeys, pendingT0);
      pendingKeys = 0;
    }
  }

  /** Sends one op of {@code keys} keystrokes: an insert at a random place, or one delete in five. */
  private void submit(int keys, long t0) {
    if (failed || run.stopped()) {
      return;
    }
    StringBuilder op = new StringBuilder(96);
    long delta;
    if (keys == 1 && length > 200 && random.nextInt(5) == 0) {
      long at = random.nextLong(length - 1); // never the final newline
      if (at > 0) {
        op.append("{\"retain\":").append(at).append("},");
      }
      op.append("{\"delete\":1}");
      delta = -1;
      inflightDeleteAt = at;
    } else {
      long at = random.nextLong(Math.max(1, length));
      if (at > 0) {
        op.append("{\"retain\":").append(at).append("},");
      }
      op.append("{\"insert\":\"");
      for (int i = 0; i < keys; i++) {
        op.append(letter);
      }
      op.append("\"}");
      delta = keys;
      inflightDeleteAt = -1;
    }
    long s = ++seq;
    inflight = true;
    inflightSeq = s;
    inflightT0 = t0;
    inflightDelta = delta;
    inflightKeys = keys;
    int slot = (int) (s % RING);
    ringT0.set(slot, t0);
    ringSeq.set(slot, s);
    if (run.rate == 0) {
      run.keystroke(t0);
    }
    String message = "{\"a\":\"op\",\"c\":\"docs\",\"d\":\"" + docId + "\",\"v\":" + version + ",\"seq\":" + s
        + ",\"x\":{},\"op\":[" + op + "]}";
    session.sendText(message, Callback.from(() -> {}, e -> fail("send failed: " + e)));
  }

  /** When this author sent its op {@code s}, or -1 when it is no longer remembered. */
  long sentAt(long s) {
    if (ringSeq == null) {
      return -1;
    }
    int slot = (int) (s % RING);
    long t0 = ringT0.get(slot);
    return ringSeq.get(slot) == s ? t0 : -1;
  }

  // ---- receiving ----

  // A text message arriving in several frames (a large one, or one split by a read): its bytes.
  private java.io.ByteArrayOutputStream fragments;

  /**
   * Every frame, as it comes: text is parsed from its UTF-8 bytes, not decoded into a String
   * first. With a few hundred simulated clients each receiving every op of a document (450,000
   * messages a second), Jetty's message decoding was over a quarter of the load generator's CPU,
   * and the load generator, not the server, ran out of the machine first.
   */
  @Override
  public void onWebSocketFrame(org.eclipse.jetty.websocket.api.Frame frame, Callback callback) {
    byte op = frame.getOpCode();
    if (op != org.eclipse.jetty.websocket.api.Frame.Type.TEXT.getOpCode()
        && op != org.eclipse.jetty.websocket.api.Frame.Type.CONTINUATION.getOpCode()) {
      callback.succeed(); // control frames: Jetty answers pings and closes itself
      return;
    }
    java.nio.ByteBuffer payload = frame.getPayload();
    byte[] bytes;
    int offset;
    int length;
    if (frame.isFin() && fragments == null) {
      if (payload.hasArray()) {
        bytes = payload.array();
        offset = payload.arrayOffset() + payload.position();
        length = payload.remaining();
      } else {
        bytes = new byte[payload.remaining()];
        payload.get(bytes);
        offset = 0;
        length = bytes.length;
      }
    } else {
      if (fragments == null) {
        fragments = new java.io.ByteArrayOutputStream();
      }
      byte[] part = new byte[payload.remaining()];
      payload.get(part);
      fragments.writeBytes(part);
      if (!frame.isFin()) {
        callback.succeed();
        return;
      }
      bytes = fragments.toByteArray();
      offset = 0;
      length = bytes.length;
      fragments = null;
    }
    try {
      onMessage(bytes, offset, length);
    } finally {
      callback.succeed();
    }
  }

  private void onMessage(byte[] bytes, int offset, int length) {
    long now = System.nanoTime();
    Frame f;
    try {
      f = Frame.parse(bytes, offset, length);
    } catch (IOException e) {
      fail("unreadable message " + new String(bytes, offset, length, java.nio.charset.StandardCharsets.UTF_8)
          + ": " + e.getMessage());
      return;
    }
    if ("op".equals(f.action) && !isReplyTo("op")) {
      onOp(f, now);
      return;
    }
    CompletableFuture<Frame> waiting = null;
    synchronized (this) {
      if (reply != null && f.action != null && f.action.equals(replyAction)) {
        waiting = reply;
        reply = null;
      }
    }
    if (waiting != null) {
      if (f.errorCode != null) {
        waiting.completeExceptionally(new IOException(f.errorCode + ": " + f.errorMessage));
      } else {
        waiting.complete(f);
      }
    } else if (f.errorCode != null) {
      fail("error from the server: " + f.errorCode + " " + f.errorMessage);
    } else if ("f".equals(f.action) && f.data == null) {
      gapFetched(); // the end of the ops a gap asked for
    }
    // Everything else (presence, late replies to requests already answered) is not measured.
  }

  private synchronized boolean isReplyTo(String action) {
    return reply != null && action.equals(replyAction);
  }

  private void onOp(Frame f, long now) {
    Author origin = null;
    synchronized (this) {
      if (f.errorCode != null) {
        if (inflight && f.seq == inflightSeq) {
          inflight = false;
        }
        failLocked("op refused: " + f.errorCode + " " + f.errorMessage);
        return;
      }
      boolean ack = !f.hasOp && inflight && f.seq == inflightSeq && src.equals(f.src);
      if (!f.hasOp && !ack) {
        return; // not ours to answer (an ack of an op no longer in flight)
      }
      if (f.version < version) {
        if (ack) {
          failLocked("ack at v" + f.version + " while at v" + version + " (after later ops)");
        }
        return; // a catch-up of an op already received (the reference sends both)
      }
      if (f.version > version) {
        // A gap: an op this connection never got. The npm client asks for the ops it lacks
        // (a fetch from its version) and goes on; so does this author, holding what came early.
        early.put(f.version, f);
        fillGap();
        return;
      }
      origin = apply(f, now);
      while (!failed && !early.isEmpty() && early.firstKey() == version) {
        apply(early.pollFirstEntry().getValue(), now);
      }
      if (early.isEmpty()) {
        fillingGap = false;
      }
    }
    if (origin != null) {
      long t0 = origin.sentAt(f.seq);
      if (t0 >= 0) {
        run.delivered(t0, now, origin.server != server);
      }
    }
  }

  /**
   * Applies an op (or our ack) at our version: the version and length move on; an ack sends the
   * next op. Returns the author who sent a remote op, for its delivery latency; null otherwise.
   */
  private Author apply(Frame f, long now) {
    version++;
    if (f.hasOp) {
      length += f.lengthDelta;
      if (inflight && inflightDeleteAt >= 0) {
        // The server transforms the op in flight against this one; a concurrent delete of the
        // same character leaves it with nothing to delete.
        inflightDeleteAt = f.transformPosition(inflightDeleteAt);
        if (inflightDeleteAt < 0) {
          inflightDelta = 0;
        }
      }
      return f.src != null && !f.src.equals(src) ? run.author(f.src) : null;
    }
    length += inflightDelta;
    inflight = false;
    acked++;
    run.acked(inflightT0, now, inflightKeys);
    if (run.rate == 0) {
      submit(1, now);
    } else if (pendingKeys > 0) {
      submit(pendingKeys, pendingT0);
      pendingKeys = 0;
    }
    return null;
  }

  /** Asks for the ops from our version on (once per gap; the answer's ops fill it in order). */
  private void fillGap() {
    if (fillingGap) {
      return;
    }
    fillingGap = true;
    run.gap();
    session.sendText("{\"a\":\"f\",\"c\":\"docs\",\"d\":\"" + docId + "\",\"v\":" + version + "}",
        Callback.from(() -> {}, e -> fail("send failed: " + e)));
  }

  /** The answer to a gap's fetch: what it did not fill (the server was behind too) is asked again. */
  private synchronized void gapFetched() {
    fillingGap = false;
    if (!early.isEmpty()) {
      fillGap();
    }
  }

  @Override
  public void onWebSocketClose(int code, String reason) {
    if (!run.closing()) {
      fail("closed by the server: " + code + " " + reason);
    }
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    if (!run.closing()) {
      fail("connection error: " + cause);
    }
  }

  private synchronized void fail(String why) {
    failLocked(why);
  }

  private void failLocked(String why) {
    CompletableFuture<Frame> waiting = reply;
    reply = null;
    if (waiting != null) {
      waiting.completeExceptionally(new IOException(why));
    }
    if (!failed) {
      failed = true;
      run.failure("author " + index + " (" + docId + ", server " + server + "): " + why);
    }
  }

  // ---- the end ----

  synchronized boolean inflight() {
    return inflight;
  }

  /** Stopped by a failure (counted in the run's failures): no longer waited for or checked. */
  synchronized boolean failed() {
    return failed;
  }

  synchronized long version() {
    return version;
  }

  synchronized long length() {
    return length;
  }

  synchronized long acked() {
    return acked;
  }

  /** The connection is open and nothing failed on it: it is held. */
  boolean held() {
    Session s = session;
    return s != null && s.isOpen() && !failed();
  }

  void close() {
    Session s = session;
    if (s != null && s.isOpen()) {
      s.close(1000, "done", Callback.NOOP);
    }
  }
}
