package dev.quire.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client typing unique tokens into one document as the sharedb client does (one op in
 * flight, {@code seq} counting up), that also survives the server closing its connection: it
 * reconnects to the same server, resumes its session and resends the op in flight with the same
 * {@code (src, seq)}, until that op is acknowledged. That is what the sharedb client does after a
 * 1013 close, when the store was unavailable and the op's fate unknown. Remembers every ack.
 */
final class ResilientWriter {
  /** An acknowledged op and the version the server gave it. */
  record Acked(String token, long seq, long version) {}

  private record Pending(String token, long seq, long v) {}

  final String name;
  final String doc;
  final URI uri;
  final List<Acked> acked = new ArrayList<>();
  /** When (System.nanoTime) each ack arrived, in the order of {@link #acked}. */
  final List<Long> ackedAt = new ArrayList<>();
  /** Connections lost and reopened so far. */
  volatile int reconnects;
  /** When the op now in flight was last sent (System.nanoTime), or 0 when none is. */
  volatile long sentAt;
  private WsClient client;
  private String src;
  private long seq;
  private long base;
  private int tokens;
  private Pending inflight;

  ResilientWriter(String name, String doc, URI uri, long base) {
    this.name = name;
    this.doc = doc;
    this.uri = uri;
    this.base = base;
  }

  String src() {
    return src;
  }

  /**
   * Sends ops, each after the previous ack, until {@code stop} is set and nothing is in flight.
   * A closed connection is reopened (each attempt bounded) and the op in flight resent; gives up
   * only after {@code deadline} without progress. {@code onAck} runs after each ack.
   */
  void run(AtomicBoolean stop, Runnable onAck, Duration deadline) {
    boolean resend = false;
    long lastProgress = System.nanoTime();
    while (true) {
      if (inflight == null) {
        if (stop.get()) {
          return;
        }
        inflight = new Pending("[" + name + ":" + tokens++ + "]", ++seq, base);
        resend = false;
      }
      if (System.nanoTime() - lastProgress > deadline.toNanos()) {
        throw new AssertionError(name + ": no ack for " + inflight + " within " + deadline);
      }
      if (client == null || client.isClosed()) {
        if (!reconnect()) {
          continue;
        }
      }
      JsonNode reply;
      try {
        client.send(message(inflight, resend));
        sentAt = System.nanoTime();
        // No ack timeout of its own, like the sharedb client: while the store is down a server
        // may hold an op for a commit's and a reload's connection waits (10 s each) before 1013.
        reply = client.poll(Msg.ackOrError(inflight.seq()), deadline);
      } catch (RuntimeException dropped) {
        reply = null;
      }
      if (reply == null) {
        if (client.isClosed()) {
          resend = true; // its fate is unknown: the same (src, seq) again on the next connection
          continue;
        }
        throw new AssertionError(name + ": no ack for seq " + inflight.seq() + " within " + deadline);
      }
      if (Msg.isError(reply)) {
        throw new AssertionError(name + ": op refused: " + reply);
      }
      long v = reply.get("v").asLong();
      sentAt = 0;
      synchronized (this) {
        ackedAt.add(System.nanoTime());
      }
      acked.add(new Acked(inflight.token(), inflight.seq(), v));
      base = Math.max(base, v + 1);
      inflight = null;
      client.clear(); // pushed ops we were transformed against: not needed
      lastProgress = System.nanoTime();
      onAck.run();
    }
  }

  void close() {
    if (client != null) {
      client.close();
    }
  }

  /** One attempt to open a new connection resuming our session; false when it failed. */
  private boolean reconnect() {
    if (client != null) {
      reconnects++;
    }
    try {
      WsClient c = WsClient.open(uri).handshake(src);
      if (src != null && !src.equals(c.src())) {
        throw new AssertionError(name + ": the server did not resume session " + src);
      }
      src = c.src();
      client = c;
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private ObjectNode message(Pending p, boolean resend) {
    ObjectNode m = Msg.insert(doc, p.v(), p.seq(), 0, p.token());
    if (resend) {
      m.put("src", src);
    }
    return m;
  }
}
