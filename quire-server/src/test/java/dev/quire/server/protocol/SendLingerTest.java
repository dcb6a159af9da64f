package dev.quire.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.ProtocolTestServer;
import dev.quire.server.testing.WsClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a long {@code send-linger-ms}, the frames a document holds after a write are still written
 * when the linger is over, with no later activity to carry them, and in order: a subscriber gets
 * every op of a burst, each once, at consecutive versions, and the author every ack. (The linger is
 * off by default; here a long one makes each burst wait behind it.)
 */
class SendLingerTest {
  @TempDir Path dir;

  @Test
  void framesHeldByTheLingerAreWrittenWhenItIsOverInOrder() {
    try (ProtocolTestServer server = ProtocolTestServer.start(dir, Map.of("send-linger-ms", "300"));
        WsClient author = server.client();
        WsClient reader = server.client()) {
      String doc = server.newDoc("a");
      assertFalse(Msg.isError(reader.request(Msg.subscribe(doc), m -> "s".equals(m.path("a").asText()))));
      assertFalse(Msg.isError(author.request(Msg.subscribe(doc), m -> "s".equals(m.path("a").asText()))));
      for (int round = 0; round < 3; round++) {
        long first = 1 + round * 5L; // the document is at version 1 after its create
        for (int i = 0; i < 5; i++) { // one after another: each sent after the previous one's ack
          long v = first + i;
          JsonNode ack = author.request(Msg.insert(doc, v, v, 0, "x"), Msg.ackOrError(v));
          assertFalse(Msg.isError(ack), ack.toString());
        }
        List<Long> versions = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // the reader's next ops, whatever their versions
          versions.add(reader.next(m -> "op".equals(m.path("a").asText())).path("v").asLong());
        }
        assertEquals(List.of(first, first + 1, first + 2, first + 3, first + 4), versions);
      }
      // A ping's answer waits behind whatever the document still holds for the reader: after it,
      // nothing more is on its way.
      reader.assertServed();
      assertEquals(0, reader.count(m -> "op".equals(m.path("a").asText())), "each op once");
    }
  }
}
