package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.WsClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSockets of signed-in people in a role test, opened as their browsers would (cookie and
 * Origin) and closed together, with the requests those tests make on them.
 */
final class Sockets implements AutoCloseable {
  private final String wsUrl;
  private final AtomicLong seq = new AtomicLong();
  private final List<WsClient> open = new ArrayList<>();

  Sockets(String wsUrl) {
    this.wsUrl = wsUrl;
  }

  /** A socket of {@code b}'s person, past the handshake. */
  WsClient open(Browser b) {
    WsClient c = WsClient.open(URI.create(wsUrl), Map.of("Cookie", b.cookieHeader(), "Origin", b.origin))
        .handshake(null);
    open.add(c);
    return c;
  }

  /** Sends {@code m} and waits for its answer (action {@code action} on document {@code doc}). */
  static JsonNode ask(WsClient c, ObjectNode m, String action, String doc) {
    return c.request(m, Msg.replyTo(action, doc));
  }

  /** The document's version, fetched (which must be allowed). */
  static long version(WsClient c, String doc) {
    JsonNode r = ask(c, Msg.fetch(doc), "f", doc);
    assertFalse(Msg.isError(r), r.toString());
    return r.get("data").get("v").asLong();
  }

  /** Submits {@code op} with the next seq and waits for its ack or error. */
  JsonNode submit(WsClient c, ObjectNode op) {
    long s = seq.incrementAndGet();
    op.put("seq", s);
    return c.request(op, Msg.ackOrError(s));
  }

  @Override
  public void close() {
    open.forEach(WsClient::close);
  }
}
