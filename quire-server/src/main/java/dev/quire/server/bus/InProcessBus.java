package dev.quire.server.bus;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The bus of a single server: delivers to the listeners of this process, synchronously on the
 * publishing thread (listeners must not block: they hand the message to their own executor).
 */
public final class InProcessBus implements Bus {
  private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();

  @Override
  public void publish(String channel, String message) {
    List<Listener> ls = listeners.get(channel);
    if (ls != null) {
      for (Listener l : ls) {
        l.onMessage(channel, message);
      }
    }
  }

  @Override
  public Subscription subscribe(String channel, Listener listener) {
    listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
    return () -> listeners.computeIfPresent(channel, (c, ls) -> {
      ls.remove(listener);
      return ls.isEmpty() ? null : ls;
    });
  }

  @Override
  public void close() {
    listeners.clear();
  }
}
