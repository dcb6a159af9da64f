package dev.quire.server.wire;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WireConnection} over a Jetty WebSocket session, with a bounded outgoing queue.
 *
 * <p>Jetty allows one outstanding send per session; frames queue here and the send callback
 * sends the next. The queue is bounded in bytes (UTF-16 units, close enough to measure the
 * memory a slow client pins): past it the client is disconnected, so one client that stops
 * reading cannot grow the server's memory without end.
 */
final class JettyConnection implements WireConnection {
  private static final Logger log = LoggerFactory.getLogger(JettyConnection.class);

  private final String id;
  private final Session session;
  private final long maxQueuedChars;
  private final AtomicLong allQueuedChars; // shared by every connection: the queue-depth gauge
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private long queuedChars;
  private boolean sending;
  private volatile boolean closed;

  JettyConnection(String id, Session session, long maxQueuedChars, AtomicLong allQueuedChars) {
    this.id = id;
    this.session = session;
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

  @Override
  public void send(String text) {
    String next;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (sending) {
        if (queuedChars + text.length() > maxQueuedChars) {
          next = null;
        } else {
          queue.add(text);
          queuedChars += text.length();
          allQueuedChars.addAndGet(text.length());
          return;
        }
      } else {
        sending = true;
        next = text;
      }
    }
    if (next == null) {
      disconnect();
      return;
    }
    write(next);
  }

  private void write(String text) {
    session.sendText(text, new Callback() {
      @Override
      public void succeed() {
        String next;
        synchronized (JettyConnection.this) {
          next = queue.poll();
          if (next == null) {
            sending = false;
            return;
          }
          queuedChars -= next.length();
          allQueuedChars.addAndGet(-next.length());
        }
        write(next);
      }

      @Override
      public void fail(Throwable x) {
        close(1011, "send failed");
      }
    });
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
    queue.clear();
    allQueuedChars.addAndGet(-queuedChars);
    queuedChars = 0;
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
