package dev.quire.server.collab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.json.JsonText;
import dev.quire.server.bus.Bus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence channels: who listens on each, here, and the last presence each local client sent
 * there, so that when a client leaves everyone is told its presences are gone ({@code p:null}).
 *
 * <p>Every presence message is delivered to this server's listeners directly and published on the
 * bus ({@code $presence.<ch>}) for the other servers, wrapped with this server's id so that it
 * ignores its own when they come back. Presence is ephemeral: a message lost on the bus is
 * repaired by the next one (clients re-send on every change and on {@code pr}).
 */
public final class PresenceHub {
  private static final Logger log = LoggerFactory.getLogger(PresenceHub.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Bus bus;
  private final String serverId;
  private final Map<String, Channel> channels = new HashMap<>();

  private static final class Channel {
    final Map<Subscriber, Long> subscribers = new LinkedHashMap<>(); // -> last ps/pu seq
    final Map<String, Map<String, String>> lastBySrc = new HashMap<>(); // src -> presence id -> null-message
    Bus.Subscription busSubscription;
  }

  public PresenceHub(Bus bus, String serverId) {
    this.bus = bus;
    this.serverId = serverId;
  }

  /**
   * Subscribes {@code sub} to {@code ch} unless a newer ps/pu already came from it; the others, on
   * every server, are asked to re-send their presence ({@code pr}). Returns false when stale.
   */
  public boolean subscribe(String ch, Subscriber sub, long seq) {
    boolean listen;
    synchronized (this) {
      Channel c = channels.computeIfAbsent(ch, k -> new Channel());
      Long last = c.subscribers.get(sub);
      if (last != null && seq < last) {
        return false;
      }
      listen = c.subscribers.isEmpty() && c.busSubscription == null;
      c.subscribers.put(sub, seq);
      String request = requestMessage(ch);
      for (Subscriber other : c.subscribers.keySet()) {
        if (other != sub) {
          other.send(request);
        }
      }
    }
    if (listen) {
      listen(ch); // outside the lock: a bus may wait for its backend to confirm
    }
    bus.publish(Channels.presence(ch), "{\"from\":" + quote(serverId) + ",\"pr\":true}");
    return true;
  }

  private void listen(String ch) {
    Bus.Subscription s = bus.subscribe(Channels.presence(ch), (channel, message) -> onRemote(ch, message));
    boolean drop;
    synchronized (this) {
      Channel c = channels.get(ch);
      drop = c == null || c.busSubscription != null;
      if (!drop) {
        c.busSubscription = s;
      }
    }
    if (drop) {
      s.close();
    }
  }

  /** Ends {@code sub}'s subscription; everyone else learns that its presences are gone. */
  public void unsubscribe(String ch, Subscriber sub) {
    List<String> gone = new ArrayList<>();
    Bus.Subscription close = null;
    synchronized (this) {
      Channel c = channels.get(ch);
      if (c == null || c.subscribers.remove(sub) == null) {
        return;
      }
      Map<String, String> mine = c.lastBySrc.remove(sub.src());
      if (mine != null) {
        gone.addAll(mine.values());
        for (String nullMessage : gone) {
          for (Subscriber other : c.subscribers.keySet()) {
            other.send(nullMessage);
          }
        }
      }
      if (c.subscribers.isEmpty()) {
        channels.remove(ch);
        close = c.busSubscription;
      }
    }
    for (String nullMessage : gone) {
      bus.publish(Channels.presence(ch), envelope(sub.src(), nullMessage));
    }
    if (close != null) {
      close.close();
    }
  }

  /**
   * Sends {@code message} (a {@code p} from {@code from}) to the channel's other subscribers and
   * remembers {@code nullMessage}, the same presence with {@code p:null}, for when it leaves
   * (null when the presence is already null: there is then nothing to clear later).
   */
  public void broadcast(String ch, Subscriber from, String presenceId, String message, String nullMessage) {
    synchronized (this) {
      Channel c = channels.get(ch);
      if (c != null) {
        if (nullMessage == null) {
          Map<String, String> mine = c.lastBySrc.get(from.src());
          if (mine != null) {
            mine.remove(presenceId);
          }
        } else if (c.subscribers.containsKey(from)) {
          c.lastBySrc.computeIfAbsent(from.src(), k -> new HashMap<>()).put(presenceId, nullMessage);
        }
        deliver(c, from.src(), message);
      }
    }
    bus.publish(Channels.presence(ch), envelope(from.src(), message));
  }

  private void deliver(Channel c, String src, String message) {
    for (Subscriber other : c.subscribers.keySet()) {
      if (!other.src().equals(src)) {
        other.send(message);
      }
    }
  }

  /** A presence message from another server. */
  private void onRemote(String ch, String envelope) {
    JsonNode env;
    try {
      env = MAPPER.readTree(envelope);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      log.warn("ignoring a malformed presence message on {}", ch);
      return;
    }
    if (serverId.equals(env.path("from").asText())) {
      return;
    }
    synchronized (this) {
      Channel c = channels.get(ch);
      if (c == null) {
        return;
      }
      if (env.path("pr").asBoolean(false)) {
        String request = requestMessage(ch);
        for (Subscriber s : c.subscribers.keySet()) {
          s.send(request);
        }
      } else if (env.has("msg")) {
        StringBuilder sb = new StringBuilder();
        JsonText.value(sb, env.get("msg"));
        deliver(c, env.path("src").asText(), sb.toString());
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

  private String envelope(String src, String message) {
    return "{\"from\":" + quote(serverId) + ",\"src\":" + quote(src) + ",\"msg\":" + message + "}";
  }

  private static String requestMessage(String ch) {
    return "{\"a\":\"pr\",\"ch\":" + quote(ch) + "}";
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder();
    JsonText.string(sb, s);
    return sb.toString();
  }
}
