package dev.quire.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.RawSocketClient;
import dev.quire.server.testing.ProtocolTestServer;
import dev.quire.server.testing.WsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading while ops are broadcast to it is disconnected once more than
 * max-queued-bytes wait for it, instead of being buffered without end; everyone else carries on.
 *
 * <p>Deterministic: the slow client's receive window is a few kilobytes, so once the kernel
 * buffers between it and the server are full (at most the server's send buffer, a few MB on
 * Linux), every op lands in the server's queue, and the queue bound (4 KiB) is crossed by the
 * next 200 KB op. The disconnect is observed without reading from the slow client: the server
 * tells the others that its presence is gone ({@code p:null}), which it does only when the
 * connection has ended.
 */
class SlowReaderTest {
  static final int OP_CHARS = 200_000;
  /** 60 MB of broadcasts: many times the kernel's buffers. Reaching it means nothing bounded the queue. */
  static final int MAX_OPS = 300;
  static final String URI_TYPE = "http://sharejs.org/types/rich-text/v1";

  @TempDir Path tmp;

  @Test
  void aClientThatStopsReadingIsDisconnectedOnceItsQueueIsFull() throws Exception {
    try (ProtocolTestServer server = ProtocolTestServer.start(tmp, Map.of("max-queued-bytes", "4096", "max-op-bytes", "262144"));
        WsClient bystander = server.client();
        WsClient writer = server.client()) {
      String doc = server.newDoc("Hello");
      String ch = "docs." + doc;
      bystander.request(Msg.obj().put("a", "ps").put("ch", ch).put("seq", 1), m -> "ps".equals(m.path("a").asText()));
      bystander.request(Msg.subscribe(doc), Msg.replyTo("s", doc));

      long v = 1;
      try (RawSocketClient slow = RawSocketClient.connect(server.uri(), 4096)) {
        slow.sendText("{\"a\":\"hs\",\"id\":null,\"protocol\":1,\"protocolMinor\":2}");
        slow.sendText("{\"a\":\"ps\",\"ch\":" + Msg.quote(ch) + ",\"seq\":1}");
        slow.sendText(Msg.subscribe(doc).toString());
        slow.sendText("{\"a\":\"p\",\"ch\":" + Msg.quote(ch) + ",\"id\":\"slow-cursor\",\"p\":{\"index\":0,\"length\":0},"
            + "\"pv\":0,\"c\":\"docs\",\"d\":" + Msg.quote(doc) + ",\"v\":1,\"t\":\"" + URI_TYPE + "\"}");
        // Once its presence reaches the bystander, the slow client is subscribed to everything.
        bystander.next(presence("slow-cursor", false));

        Predicate<JsonNode> gone = presence("slow-cursor", true);
        String chunk = "w".repeat(OP_CHARS);
        long length = 5;
        long broadcastBytes = 0;
        JsonNode left = null;
        for (int seq = 1; seq <= MAX_OPS && left == null; seq++) {
          JsonNode op = Msg.json("[{\"insert\":\"" + chunk + "\"},{\"delete\":" + length + "}]");
          JsonNode ack = writer.request(Msg.op(doc, v, seq, op), Msg.ackOrError(seq));
          assertFalse(Msg.isError(ack), () -> ack.toString().substring(0, 300));
          bystander.next(Msg.pushedOp(doc, v)); // read it (and let it go: this client keeps up)
          broadcastBytes += OP_CHARS + 100;
          length = OP_CHARS;
          v++;
          left = bystander.poll(gone, Duration.ZERO);
        }
        if (left == null) {
          left = bystander.poll(gone, WsClient.TIMEOUT);
        }
        assertNotNull(left, "the slow client was still connected after " + broadcastBytes + " bytes of broadcasts");
        System.out.println("slow reader disconnected after " + (v - 1) + " ops, " + broadcastBytes / 1024 + " KiB of broadcasts");
        // The server ended the connection itself: reading now reaches its end.
        assertNotEquals(-1, slow.drainUntilClosed(Duration.ofSeconds(20)), "the socket is still open");
      }

      // Everyone else is still served, on the same document.
      JsonNode ack = writer.request(Msg.insert(doc, v, 100_000, 0, "!"), Msg.ackOrError(100_000));
      assertEquals(v, ack.get("v").asLong(), ack::toString);
      bystander.next(Msg.pushedOp(doc, v));
    }
  }

  private static Predicate<JsonNode> presence(String id, boolean isNull) {
    return m -> "p".equals(m.path("a").asText()) && id.equals(m.path("id").asText()) && m.path("p").isNull() == isNull;
  }
}
