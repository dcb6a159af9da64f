package dev.quire.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.ProtocolTestServer;
import dev.quire.server.testing.WsClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broadcast op is encoded to UTF-8 once and the same bytes go to every subscriber: text of
 * every kind (accents, a character beyond the BMP, a lone surrogate, which the protocol allows
 * and JSON carries escaped) must reach each of them exactly as it was sent.
 */
class BroadcastTextTest {
  @TempDir static Path tmp;
  static ProtocolTestServer server;

  @BeforeAll
  static void start() {
    server = ProtocolTestServer.start(tmp, Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void everySubscriberGetsTheOpsTextExactly() {
    String doc = server.newDoc("Hello");
    String text = "é😀\uD83DΩ\"\\\n<";
    try (WsClient a = server.client(); WsClient b = server.client(); WsClient writer = server.client()) {
      for (WsClient c : new WsClient[] {a, b, writer}) {
        c.request(Msg.subscribe(doc), Msg.replyTo("s", doc));
      }
      JsonNode ack = writer.request(Msg.insert(doc, 1, 1, 0, text), Msg.ackOrError(1));
      assertFalse(Msg.isError(ack), ack::toString);
      for (WsClient c : new WsClient[] {a, b}) {
        JsonNode op = c.next(Msg.pushedOp(doc, 1));
        assertEquals(text, op.get("op").get(0).get("insert").asText());
      }
    }
  }
}
