package dev.quire.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.QuireServer;
import dev.quire.server.config.ConfigLoader;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Quire server in this JVM on a free port with its own data folder, and the checks every
 * bad-input test makes: the document is unchanged, and a well-behaved client sharing the server
 * and the document is still served.
 */
public final class ProtocolTestServer implements AutoCloseable {
  private static final AtomicInteger DOCS = new AtomicInteger();

  private final QuireServer server;
  private final URI uri;

  private ProtocolTestServer(QuireServer server) {
    this.server = server;
    this.uri = URI.create("ws://127.0.0.1:" + server.port() + "/ws");
  }

  /** Starts a server in {@code dataDir} with these settings on top of port 0. */
  public static ProtocolTestServer start(Path dataDir, Map<String, String> settings) {
    Map<String, String> flags = new HashMap<>(settings);
    flags.put("port", "0");
    flags.put("data-dir", dataDir.toString());
    flags.putIfAbsent("auth", "open"); // protocol tests connect without accounts
    try {
      return new ProtocolTestServer(QuireServer.start(ConfigLoader.load(null, Map.of(), flags)));
    } catch (dev.quire.server.config.ConfigException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public URI uri() {
    return uri;
  }

  /** How many documents the server holds in memory. */
  public int openDocuments() {
    return server.openDocuments();
  }

  /** A new client that has handshaked. */
  public WsClient client() {
    return WsClient.connect(uri);
  }

  /** A fresh document id. */
  public static String newId(String prefix) {
    return prefix + "-" + DOCS.incrementAndGet();
  }

  /** Creates a document holding {@code text} and returns its id. */
  public String newDoc(String text) {
    String doc = newId("doc");
    try (WsClient c = client()) {
      JsonNode ack = c.request(Msg.create(doc, 1, text), Msg.ackOrError(1));
      assertFalse(Msg.isError(ack), ack::toString);
    }
    return doc;
  }

  /** The snapshot {@code {v, data, type}} a fresh client fetches. */
  public JsonNode snapshot(String doc) {
    try (WsClient c = client()) {
      return fetch(c, doc);
    }
  }

  public static JsonNode fetch(WsClient c, String doc) {
    JsonNode reply = c.request(Msg.fetch(doc), Msg.replyTo("f", doc));
    assertFalse(Msg.isError(reply), reply::toString);
    return reply.get("data");
  }

  /**
   * Runs {@code bad} while a bystander is subscribed to {@code doc}, then checks that the document
   * is as it was and that the server still serves everyone: a well-behaved client's op on the
   * document is acknowledged at the old head version and reaches the bystander.
   */
  public void assertHarmless(String doc, Runnable bad) {
    try (WsClient bystander = client(); WsClient writer = client()) {
      JsonNode sub = bystander.request(Msg.subscribe(doc), Msg.replyTo("s", doc));
      JsonNode before = sub.get("data");
      bad.run();
      JsonNode after = fetch(writer, doc);
      assertEquals(before, after, "the document changed");
      long v = before.get("v").asLong();
      JsonNode request = before.get("type").isNull()
          ? Msg.create(doc, 1, "fine")
          : Msg.insert(doc, v, 1, 0, "fine");
      JsonNode ack = writer.request(request, Msg.ackOrError(1));
      assertFalse(Msg.isError(ack), ack::toString);
      assertEquals(v, ack.get("v").asLong(), "the document's version changed");
      JsonNode pushed = bystander.next(Msg.pushedOp(doc, v));
      assertEquals(writer.src(), pushed.get("src").asText());
    }
  }

  /**
   * Sends {@code request} from a new client: the reply must echo it with {@code code} and a
   * message, and the client must still be served afterwards.
   */
  public void assertRefused(JsonNode request, String code) {
    // Compared as parsed JSON (2 and 2L are different Jackson nodes, the same JSON number).
    request = Msg.json(request.toString());
    try (WsClient bad = client()) {
      JsonNode reply = bad.request(request, Msg::isError);
      assertEquals(code, Msg.errorCode(reply), reply::toString);
      assertEquals(request, Msg.withoutError(reply), "the error reply must echo the request");
      assertFalse(reply.path("error").path("message").asText().isEmpty(), "an error says why");
      bad.assertServed();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
