package dev.quire.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.ProtocolTestServer;
import dev.quire.server.testing.WsClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code (src, seq)} makes a resubmission idempotent (ARCHITECTURE.md invariant 3): a re-sent op
 * that is already committed is acknowledged with its original version and stored once, whatever
 * version the resend names, including the current head, which the reference server commits a
 * second time.
 */
class DuplicateSubmissionTest {
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
  void anOpResentAtTheCurrentHeadIsAckedWithItsOriginalVersionAndStoredOnce() {
    String doc = server.newDoc("Hello");
    try (WsClient a = server.client()) {
      assertEquals(1, ack(a, Msg.insert(doc, 1, 2, 0, "X")));
      // Resent the way a reconnecting client does (with src), based on the head (2), then on the original version.
      assertEquals(1, ack(a, Msg.insert(doc, 2, 2, 0, "X").put("src", a.src())));
      assertEquals(1, ack(a, Msg.insert(doc, 1, 2, 0, "X").put("src", a.src())));
    }
    JsonNode snap = server.snapshot(doc);
    assertEquals(2, snap.get("v").asLong());
    assertEquals(Msg.json("{\"ops\":[{\"insert\":\"XHello\"}]}"), snap.get("data"));
    assertEquals(2, opLog(doc).size());
  }

  @Test
  void anOpResentFromANewConnectionAfterOthersCommittedIsAckedOnce() {
    String doc = server.newDoc("Hello");
    String src;
    try (WsClient a = server.client()) {
      src = a.src();
      assertEquals(1, ack(a, Msg.insert(doc, 1, 2, 0, "X")));
    }
    try (WsClient b = server.client()) {
      assertEquals(2, ack(b, Msg.insert(doc, 2, 1, 6, "!")));
    }
    // The reconnected client resumes its session id and resends at the head (3) and at its base (1).
    try (WsClient a = WsClient.open(server.uri()).handshake(src)) {
      assertEquals(src, a.src());
      assertEquals(1, ack(a, Msg.insert(doc, 3, 2, 0, "X").put("src", src)));
      assertEquals(1, ack(a, Msg.insert(doc, 1, 2, 0, "X").put("src", src)));
      // A later op of the same session still goes through.
      assertEquals(3, ack(a, Msg.insert(doc, 3, 3, 0, "Y")));
      // And an old seq resent after a newer one is still recognised.
      assertEquals(1, ack(a, Msg.insert(doc, 4, 2, 0, "X").put("src", src)));
    }
    assertEquals(Msg.json("{\"ops\":[{\"insert\":\"YXHello!\"}]}"), server.snapshot(doc).get("data"));
    assertEquals(4, opLog(doc).size());
  }

  @Test
  void aDuplicateCreateIsAckedNotRefused() {
    String doc = ProtocolTestServer.newId("create");
    String src;
    try (WsClient a = server.client()) {
      src = a.src();
      assertEquals(0, ack(a, Msg.create(doc, 1, "Hi")));
      assertEquals(0, ack(a, Msg.create(doc, 1, "Hi").put("src", src)));
      assertEquals(0, ack(a, Msg.create(doc, 1, "Hi").put("src", src).put("v", 0)));
    }
    try (WsClient a = WsClient.open(server.uri()).handshake(src)) {
      assertEquals(0, ack(a, Msg.create(doc, 1, "Hi").put("src", src)));
    }
    try (WsClient other = server.client()) {
      // Same seq from another session, or another seq from the same one, is a different create.
      JsonNode refused = other.request(Msg.create(doc, 1, "Hi"), Msg.ackOrError(1));
      assertEquals("ERR_DOC_ALREADY_CREATED", Msg.errorCode(refused));
      refused = other.request(Msg.create(doc, 2, "Hi").put("src", src), Msg.ackOrError(2));
      assertEquals("ERR_DOC_ALREADY_CREATED", Msg.errorCode(refused));
    }
    JsonNode snap = server.snapshot(doc);
    assertEquals(1, snap.get("v").asLong());
    assertEquals(Msg.json("{\"ops\":[{\"insert\":\"Hi\"}]}"), snap.get("data"));
    assertEquals(1, opLog(doc).size());
  }

  /**
   * A client whose socket dropped resends its op on a new socket while the first copy still waits
   * for the document (here behind another client's commit), so both copies can meet in one
   * group commit. Each copy gets an ack with the same version and the op is stored once.
   */
  @Test
  void anOpResentWhileItsFirstCopyIsStillQueuedIsAckedOnce() {
    for (int round = 0; round < 20; round++) {
      String doc = server.newDoc("Hello");
      try (WsClient other = server.client(); WsClient first = server.client()) {
        String src = first.src();
        try (WsClient again = WsClient.open(server.uri()).handshake(src)) {
          other.send(Msg.insert(doc, 1, 1, 0, "o".repeat(5000)));
          first.send(Msg.insert(doc, 1, 7, 0, "X"));
          again.send(Msg.insert(doc, 1, 7, 0, "X").put("src", src));
          JsonNode a = first.next(Msg.ackOrError(7));
          JsonNode b = again.next(Msg.ackOrError(7));
          assertFalse(Msg.isError(a), a::toString);
          assertFalse(Msg.isError(b), b::toString);
          assertEquals(a.get("v"), b.get("v"));
          other.next(Msg.ackOrError(1));
        }
      }
      assertEquals(3, opLog(doc).size(), "the op is stored once");
    }
  }

  private static long ack(WsClient c, ObjectNode op) {
    long seq = op.get("seq").asLong();
    JsonNode reply = c.request(op, Msg.ackOrError(seq));
    assertFalse(Msg.isError(reply), reply::toString);
    return reply.get("v").asLong();
  }

  /** Every committed op, read back with a fetch from version 0; checks the versions are dense. */
  static List<JsonNode> opLog(String doc) {
    try (WsClient c = server.client()) {
      JsonNode head = ProtocolTestServer.fetch(c, doc);
      c.request(Msg.fetch(doc).put("v", 0), m -> "f".equals(m.path("a").asText()) && !m.has("data"));
      List<JsonNode> ops = new ArrayList<>();
      for (long v = 0; v < head.get("v").asLong(); v++) {
        long version = v;
        ops.add(c.next(Msg.pushedOp(doc, version)));
      }
      assertEquals(0, c.count(m -> "op".equals(m.path("a").asText())), "no op beyond the head");
      return ops;
    }
  }
}
