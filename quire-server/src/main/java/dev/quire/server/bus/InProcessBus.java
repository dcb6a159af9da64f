package dev.quire.server.bus;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus of a single server: delivers to the listeners of this process, synchronously on the
 * publishing thread (listeners must not block: they hand the message to their own executor).
 * A listener that throws is logged and skipped, so the others and the publisher are unaffected.
 */
public final class InProcessBus implements Bus {
  private static final Logger log = LoggerFactory.getLogger(InProcessBus.class);

  /**
   * One entry per subscription, compared by identity (not a record), so that closing a
   * subscription removes exactly it even when one listener is subscribed twice.
   */
  private static final class Entry {
    final Listener listener;

    Entry(Listener listener) {
      this.listener = listener;
    }
  }

  private final Map<String, List<Entry>> listeners = new ConcurrentHashMap<>();
  private volatile boolean closed;

  @Override
  public void publish(String channel, String message) {
    List<Entry> ls = listeners.get(channel);
    if (ls == null || closed) {
      return;
    }
    for (Entry e : ls) {
      try {
        e.listener.onMessage(channel, message);
      } catch (RuntimeException ex) {
        log.warn("bus listener on {} failed", channel, ex);
      }
    }
  }

  @Override
  public Subscription subscribe(String channel, Listener listener) {
    if (closed) {
      throw new IllegalStateException("the bus is closed");
    }
    Entry entry = new Entry(listener);
    listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(entry);
    AtomicBoolean open = new AtomicBoolean(true);
    return () -> {
      if (open.getAndSet(false)) {
        listeners.computeIfPresent(channel, (c, ls) -> {
          ls.remove(entry);
          return ls.isEmpty() ? null : ls;
        });
      }
    };
  }

  @Override
  public void close() {
    closed = true;
    listeners.clear();
  }
}
