package dev.quire.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.WsClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client typing into one document the way the sharedb client does: at most one op in flight,
 * the next sent after the previous ack, {@code seq} counting up per connection, {@code src} left
 * out on the first send and given on a resend. Each op inserts a unique token at the start, so
 * that the document shows which ops it holds, and how often. It remembers every acknowledged op
 * and the one in flight when the connection dropped.
 */
final class BurstWriter {
  /** An op sent and not yet acknowledged. */
  record Pending(String token, long seq, long v) {}

  /** An acknowledged op and the version the server gave it. */
  record Acked(String token, long seq, long version) {}

  final String name;
  final String doc;
  final List<Acked> acked = new ArrayList<>();
  private String src;
  private WsClient client;
  private long seq;
  private long base;
  private int tokens;
  private Pending inflight;

  BurstWriter(String name, String doc, long base) {
    this.name = name;
    this.doc = doc;
    this.base = base;
  }

  String src() {
    return src;
  }

  Pending inflight() {
    return inflight;
  }

  /** Connects and handshakes, resuming the session id after the first time (as the client does). */
  void connect(URI uri) {
    client = WsClient.open(uri).handshake(src);
    if (src != null && !src.equals(client.src())) {
      throw new AssertionError(name + ": the server did not resume session " + src);
    }
    src = client.src();
  }

  /**
   * Resends the op that was in flight when the connection dropped, with the same src and seq; it
   * must be acked. Returns the version in the ack, or -1 when nothing was in flight.
   */
  long resubmit() {
    if (inflight == null) {
      return -1;
    }
    JsonNode reply = client.request(message(inflight, true), Msg.ackOrError(inflight.seq()));
    if (Msg.isError(reply)) {
      throw new AssertionError(name + ": the resubmitted op was refused: " + reply);
    }
    ack(reply);
    return reply.get("v").asLong();
  }

  /**
   * Sends ops, each after the previous ack, until {@code stop} is set or the connection drops
   * (then the op in flight stays in flight). {@code onAck} runs after each ack.
   */
  void burst(AtomicBoolean stop, Runnable onAck) {
    while (!stop.get()) {
      inflight = new Pending("[" + name + ":" + tokens++ + "]", ++seq, base);
      try {
        client.send(message(inflight, false));
      } catch (RuntimeException serverGone) {
        return;
      }
      JsonNode reply = client.poll(Msg.ackOrError(inflight.seq()), WsClient.TIMEOUT);
      if (reply == null) {
        if (client.isClosed()) {
          return;
        }
        throw new AssertionError(name + ": no ack for seq " + inflight.seq() + " within " + WsClient.TIMEOUT);
      }
      if (Msg.isError(reply)) {
        throw new AssertionError(name + ": op refused: " + reply);
      }
      ack(reply);
      onAck.run();
    }
  }

  void close() {
    if (client != null) {
      client.close();
    }
  }

  private void ack(JsonNode reply) {
    long v = reply.get("v").asLong();
    acked.add(new Acked(inflight.token(), inflight.seq(), v));
    base = Math.max(base, v + 1);
    inflight = null;
    client.clear(); // the ops we were transformed against: not needed
  }

  private ObjectNode message(Pending p, boolean resend) {
    ObjectNode m = Msg.insert(doc, p.v(), p.seq(), 0, p.token());
    if (resend) {
      m.put("src", src);
    }
    return m;
  }
}
