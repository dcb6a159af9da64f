package dev.quire.server.wire;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WireConnection} over a Jetty WebSocket session, with a bounded outgoing queue.
 *
 * <p>One write is outstanding per connection; frames that come meanwhile queue here, and when
 * the write completes everything queued goes to Jetty at once, as one batch: all but the last
 * frame are only added to Jetty's output buffer, the last one flushes them all, so a burst of
 * frames (a hot document's ops, a catch-up) costs one socket write instead of one per frame. The
 * queue is bounded in bytes (UTF-16 units, close enough to measure the memory a slow client
 * pins): past it the client is disconnected, so one client that stops reading cannot grow the
 * server's memory without end.
 *
 * <p>Frames go straight to the flusher of Jetty's connection under the session, not through the
 * session's {@code sendFrame}: that path passes each frame through four more layers (the session's
 * state check and callback wrappers, its fragmenting flusher, the extension stack and an adaptor),
 * each building its own entry and callback objects, and the fragmenting flusher is a queue of its
 * own that serialises every frame behind the previous one's write. With a hot document each op is
 * one frame to every subscriber, so at 300 authors that path was most of the server's CPU outside
 * the kernel (docs/BENCHMARKS.md, "Authors on one document"). What those layers do for our frames
 * is done here: the connection has no extensions (see {@link JettyWire}), frames are never masked
 * by a server, a text frame larger than Jetty's frame size is fragmented as Jetty would, and after
 * a close frame Jetty's flusher fails any later frame, as the session would. Every data frame of a
 * connection takes this one path, so their order is kept; Jetty's own control frames (pong,
 * close) go through the session and reach the same flusher.
 */
final class JettyConnection implements WireConnection, SendBatch.Flushable {
  private static final Logger log = LoggerFactory.getLogger(JettyConnection.class);

  private final String id;
  private final Session session;
  private final WebSocketConnection direct; // null if Jetty's session is not the usual one: no batching
  private final int maxFrameBytes; // a longer text frame is sent in fragments (Jetty's frame size)
  private final long maxQueuedChars;
  private final AtomicLong allQueuedChars; // shared by every connection: the queue-depth gauge
  private final ArrayDeque<Out> queue = new ArrayDeque<>(2); // grows; most connections queue little
  private long queuedChars;
  private boolean sending;
  private boolean held; // queued frames wait for the end of a SendBatch
  private long exemptChars; // the first held frame of an idle connection: not bounded (see send)
  private volatile boolean closed;

  JettyConnection(String id, Session session, long maxQueuedChars, AtomicLong allQueuedChars) {
    this.id = id;
    this.session = session;
    CoreSession core = session instanceof WebSocketSession ws ? ws.getCoreSession() : null;
    this.direct = core instanceof WebSocketCoreSession wcs && wcs.getConnection() != null
        && wcs.getExtensionStack().getExtensions().isEmpty() ? wcs.getConnection() : null;
    this.maxFrameBytes = core != null && core.isAutoFragment() && core.getMaxFrameSize() > 0
        ? (int) Math.min(Integer.MAX_VALUE, core.getMaxFrameSize()) : Integer.MAX_VALUE;
    this.maxQueuedChars = maxQueuedChars;
    this.allQueuedChars = allQueuedChars;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String remoteAddress() {
    SocketAddress a = session.getRemoteSocketAddress();
    if (a instanceof InetSocketAddress) {
      return ((InetSocketAddress) a).getAddress().getHostAddress();
    }
    return String.valueOf(a);
  }

  /** A frame to send: its text, and its UTF-8 bytes when they were encoded once for many recipients. */
  private record Out(String text, byte[] utf8) {}

  @Override
  public void send(String text) {
    send(text, null);
  }

  @Override
  public void send(String text, byte[] utf8) {
    Out next;
    List<SendBatch.Flushable> batch = SendBatch.current();
    synchronized (this) {
      if (closed) {
        return;
      }
      // Held frames of another thread's batch go first: a frame sent outside a batch waits behind
      // them (written with them when that batch ends), or it would overtake them — a reply sent
      // from the store's executor ahead of the ack of the message before it, still held.
      if (sending || batch != null || held) {
        // The bound is on what waits behind a write. Held by a batch, the first frame of an idle
        // connection is the one that would have been written at once, so it is not counted.
        boolean wouldBeWritten = !sending && queue.isEmpty();
        if (!wouldBeWritten && queuedChars - exemptChars + text.length() > maxQueuedChars) {
          next = null;
        } else {
          queue.add(new Out(text, utf8));
          queuedChars += text.length();
          allQueuedChars.addAndGet(text.length());
          if (wouldBeWritten) {
            exemptChars = text.length();
          }
          if (!sending && !held) { // so batch != null
            held = true; // written when the batch ends (if a write is in flight, its end does it)
            batch.add(this);
          }
          return;
        }
      } else {
        sending = true;
        next = new Out(text, utf8);
      }
    }
    if (next == null) {
      disconnect();
      return;
    }
    write(next);
  }

  /** The end of a {@link SendBatch}: writes what it held, unless a write in flight will. */
  @Override
  public void flushHeld() {
    List<Out> next;
    synchronized (this) {
      held = false;
      if (sending || closed || queue.isEmpty()) {
        return;
      }
      sending = true;
      next = takeQueued();
    }
    writeBatch(next);
  }

  private final Callback afterWrite = new Callback() {
    @Override
    public void succeed() {
      List<Out> next;
      synchronized (JettyConnection.this) {
        if (queue.isEmpty()) {
          sending = false;
          return;
        }
        next = takeQueued();
      }
      writeBatch(next);
    }

    @Override
    public void fail(Throwable x) {
      close(1011, "send failed");
    }
  };

  private final org.eclipse.jetty.util.Callback batchedFailure = org.eclipse.jetty.util.Callback.from(
      () -> {}, x -> close(1011, "send failed"));

  private final org.eclipse.jetty.util.Callback lastWritten = org.eclipse.jetty.util.Callback.from(
      afterWrite::succeed, afterWrite::fail);

  private void write(Out out) {
    if (direct == null) {
      session.sendText(out.text(), afterWrite);
    } else {
      enqueue(out, lastWritten, false);
    }
  }

  /** Sends frames in order, flushed together; {@link #afterWrite} runs when the last is written. */
  private void writeBatch(List<Out> frames) {
    int last = frames.size() - 1;
    if (direct == null) {
      for (int i = 0; i < last; i++) {
        session.sendText(frames.get(i).text(), Callback.from(() -> {}, x -> close(1011, "send failed")));
      }
      write(frames.get(last));
      return;
    }
    for (int i = 0; i < last; i++) {
      enqueue(frames.get(i), batchedFailure, true);
    }
    enqueue(frames.get(last), lastWritten, false);
  }

  /**
   * Hands one text message to Jetty's flusher. A message's bytes encoded once for all its
   * recipients (a broadcast op) are wrapped, not copied: they are never written to, and each frame
   * has its own position. A message longer than the frame size goes as a text frame and
   * continuations, each wrapping a slice of the same bytes; only the last one completes
   * {@code callback}, and with {@code batch} (the earlier ones are always batched: they are
   * followed by the rest of the message).
   */
  private void enqueue(Out out, org.eclipse.jetty.util.Callback callback, boolean batch) {
    byte[] utf8 = out.utf8();
    if (utf8 == null && out.text().length() * 3L <= maxFrameBytes) {
      direct.enqueueFrame(new OutgoingEntry.Builder(new Frame(OpCode.TEXT).setPayload(out.text()), callback)
          .batch(batch).build());
      return;
    }
    if (utf8 == null) {
      utf8 = out.text().getBytes(StandardCharsets.UTF_8);
    }
    byte opCode = OpCode.TEXT;
    int from = 0;
    while (utf8.length - from > maxFrameBytes) {
      Frame part = new Frame(opCode, false, ByteBuffer.wrap(utf8, from, maxFrameBytes));
      direct.enqueueFrame(new OutgoingEntry.Builder(part, batchedFailure).batch(true).build());
      opCode = OpCode.CONTINUATION;
      from += maxFrameBytes;
    }
    Frame last = new Frame(opCode, true, ByteBuffer.wrap(utf8, from, utf8.length - from));
    direct.enqueueFrame(new OutgoingEntry.Builder(last, callback).batch(batch).build());
  }

  @Override
  public void close(int code, String reason) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      dropQueue();
    }
    if (session.isOpen()) {
      session.close(code, reason, Callback.NOOP);
    }
  }

  /**
   * Drops a client that is not reading. A close frame would wait behind the unsent data, so the
   * connection (and its subscriptions) would linger until the idle timeout; the client sees 1006.
   */
  private void disconnect() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      dropQueue();
    }
    log.warn("conn={} disconnected: more than {} chars queued, the client is not reading", id, maxQueuedChars);
    session.disconnect();
  }

  /** Empties the queue (the connection is closing); under the lock. */
  private void dropQueue() {
    takeQueued();
  }

  /** Takes every queued frame, in order, and zeroes the counts; under the lock. */
  private List<Out> takeQueued() {
    List<Out> taken = new ArrayList<>(queue);
    queue.clear();
    allQueuedChars.addAndGet(-queuedChars);
    queuedChars = 0;
    exemptChars = 0;
    return taken;
  }

  @Override
  public boolean isOpen() {
    return !closed && session.isOpen();
  }

  void markClosed() {
    synchronized (this) {
      closed = true;
      dropQueue();
    }
  }
}
