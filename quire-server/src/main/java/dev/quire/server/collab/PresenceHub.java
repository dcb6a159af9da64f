package dev.quire.server.collab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Presence channels on this server: who listens on each, and the last presence each client sent
 * there, so that when a client leaves everyone is told its presences are gone ({@code p:null}).
 * Small and short critical sections, so one lock is enough.
 */
public final class PresenceHub {
  private final Map<String, Channel> channels = new HashMap<>();

  private static final class Channel {
    final Map<Subscriber, Long> subscribers = new LinkedHashMap<>(); // -> last ps/pu seq
    final Map<String, Map<String, String>> lastBySrc = new HashMap<>(); // src -> presence id -> null-message
  }

  /**
   * Subscribes {@code sub} to {@code ch} unless a newer ps/pu already came from it; the others are
   * asked to re-send their presence ({@code pr}). Returns false when the request was stale.
   */
  public synchronized boolean subscribe(String ch, Subscriber sub, long seq) {
    Channel c = channels.computeIfAbsent(ch, k -> new Channel());
    Long last = c.subscribers.get(sub);
    if (last != null && seq < last) {
      return false;
    }
    c.subscribers.put(sub, seq);
    String request = "{\"a\":\"pr\",\"ch\":" + quote(ch) + "}";
    for (Subscriber other : c.subscribers.keySet()) {
      if (other != sub) {
        other.send(request);
      }
    }
    return true;
  }

  /** Ends {@code sub}'s subscription; everyone else learns that its presences are gone. */
  public synchronized void unsubscribe(String ch, Subscriber sub) {
    Channel c = channels.get(ch);
    if (c == null || c.subscribers.remove(sub) == null) {
      return;
    }
    Map<String, String> gone = c.lastBySrc.remove(sub.src());
    if (gone != null) {
      for (String nullMessage : gone.values()) {
        for (Subscriber other : c.subscribers.keySet()) {
          other.send(nullMessage);
        }
      }
    }
    if (c.subscribers.isEmpty()) {
      channels.remove(ch);
    }
  }

  /**
   * Sends {@code message} (a {@code p} from {@code from}) to the channel's other subscribers and
   * remembers {@code nullMessage}, the same presence with {@code p:null}, for when it leaves
   * (null when the presence is already null: there is then nothing to clear later).
   */
  public synchronized void broadcast(String ch, Subscriber from, String presenceId, String message, String nullMessage) {
    Channel c = channels.get(ch);
    if (c == null) {
      return;
    }
    if (nullMessage == null) {
      Map<String, String> mine = c.lastBySrc.get(from.src());
      if (mine != null) {
        mine.remove(presenceId);
      }
    } else if (c.subscribers.containsKey(from)) {
      c.lastBySrc.computeIfAbsent(from.src(), k -> new HashMap<>()).put(presenceId, nullMessage);
    }
    for (Subscriber other : c.subscribers.keySet()) {
      if (!other.src().equals(from.src())) {
        other.send(message);
      }
    }
  }

  /** Every channel {@code sub} listens on. */
  public synchronized List<String> channelsOf(Subscriber sub) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Channel> e : channels.entrySet()) {
      if (e.getValue().subscribers.containsKey(sub)) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder();
    dev.quire.ot.json.JsonText.string(sb, s);
    return sb.toString();
  }
}
