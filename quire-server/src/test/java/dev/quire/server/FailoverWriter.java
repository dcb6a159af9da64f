package dev.quire.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One client typing into one document through a load balancer, surviving the loss of its server
 * the way a reconnecting sharedb client does: at most one op in flight; when the connection drops,
 * or no ack comes within {@code timeout} (a frozen server), it opens a new connection through the
 * same URL (so to another server), resumes its session id and resends the op in flight with the
 * same src and seq, until that op is acknowledged. Each op inserts a unique token at the start, so
 * the document shows which ops it holds, and how often.
 *
 * <p>Runs on one thread; its fields are read by the test after {@link #run} returns.
 */
final class FailoverWriter {
  /** An acknowledged op, the version the server gave it and how often it was sent. */
  record Acked(String token, long seq, long version, int sends) {}

  /** An op the server refused after too many lost commit races. */
  record GaveUp(String token, long atNanos) {}

  final String name;
  final String doc;
  final List<Acked> acked = new ArrayList<>();
  /** Ops refused with ERR_MAX_SUBMIT_RETRIES_EXCEEDED, and when (System.nanoTime). */
  final List<GaveUp> gaveUp = new ArrayList<>();
  private final URI uri;
  private final Duration timeout;
  private String src;
  private WsClient client;
  private long seq;
  private long base = 1; // after the create
  private int tokens;
  private String token; // the op in flight, or null
  private long pendingSeq;
  private int sends;
  private int connections;

  FailoverWriter(String name, String doc, URI uri, Duration timeout) {
    this.name = name;
    this.doc = doc;
    this.uri = uri;
    this.timeout = timeout;
  }

  String src() {
    return src;
  }

  int connections() {
    return connections;
  }

  /**
   * Types until {@code stop} is set and then until its last op is acknowledged; fails if that has
   * not happened by {@code deadlineNanos} (System.nanoTime). {@code onAck} runs after each ack.
   */
  void run(AtomicBoolean stop, long deadlineNanos, Runnable onAck) {
    try {
      while (true) {
        if (System.nanoTime() > deadlineNanos) {
          throw new AssertionError(name + ": not done by the deadline; in flight " + token + " (sent " + sends
              + " times), " + connections + " connections");
        }
        if (token == null) {
          if (stop.get()) {
            return;
          }
          token = "[" + name + ":" + tokens++ + "]";
          pendingSeq = ++seq;
          sends = 0;
        }
        if (client != null && client.isClosed()) {
          client = null;
        }
        if (client == null && !connect()) {
          backOff();
          continue;
        }
        ObjectNode m = Msg.insert(doc, base, pendingSeq, 0, token);
        if (sends > 0) {
          m.put("src", src); // a resend, as the sharedb client does it: same src and seq
        }
        JsonNode reply;
        try {
          client.send(m);
          sends++;
          reply = client.poll(Msg.ackOrError(pendingSeq), timeout);
        } catch (RuntimeException serverGone) {
          reply = null;
        }
        if (reply == null) {
          // The connection dropped, or the server is frozen: another one through the balancer.
          client.close(); // abort() does not always report a close: forget this client
          client = null;
          continue;
        }
        if (Msg.isError(reply) && "ERR_MAX_SUBMIT_RETRIES_EXCEEDED".equals(Msg.errorCode(reply))) {
          // Lost the commit race too often: nothing of it is stored; the sharedb client rolls
          // it back, and so does this writer (the test counts these, and checks the op is absent).
          gaveUp.add(new GaveUp(token, System.nanoTime()));
          token = null;
          client.clear();
          continue;
        }
        if (Msg.isError(reply)) {
          throw new AssertionError(name + ": op " + token + " refused: " + reply);
        }
        long v = reply.get("v").asLong();
        acked.add(new Acked(token, pendingSeq, v, sends));
        base = Math.max(base, v + 1);
        token = null;
        client.clear(); // the ops we were transformed against: not needed
        onAck.run();
      }
    } finally {
      if (client != null) {
        client.close();
      }
    }
  }

  /** A new connection and handshake, resuming the session id; false when no server answered in time. */
  private boolean connect() {
    WsClient c;
    try {
      c = WsClient.open(uri, timeout);
    } catch (RuntimeException refusedOrTimedOut) {
      return false;
    }
    try {
      c.send("{\"a\":\"hs\",\"id\":" + (src == null ? "null" : WsClient.JSON.valueToTree(src)) + ",\"protocol\":1,\"protocolMinor\":2}");
      JsonNode hs = c.poll(m -> "hs".equals(m.path("a").asText()) && m.has("protocol"), timeout);
      if (hs == null) {
        c.close();
        return false;
      }
      String id = hs.get("id").asText();
      if (src != null && !src.equals(id)) {
        throw new AssertionError(name + ": the server did not resume session " + src + " (gave " + id + ")");
      }
      src = id;
      client = c;
      connections++;
      return true;
    } catch (RuntimeException e) {
      c.close();
      return false;
    }
  }

  /** Jittered backoff before the next attempt, as a reconnecting client does. */
  private static void backOff() {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20 + ThreadLocalRandom.current().nextInt(80)));
  }
}
