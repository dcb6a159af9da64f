package dev.quire.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * The size bounds: a frame over max-frame-bytes closes with 1009 before it is parsed, an op over
 * max-op-bytes and a document over max-doc-length are protocol errors. Small limits so the
 * payloads stay small: frames up to 64 KiB, ops up to 32 KiB, documents up to 20000 characters.
 */
class SizeBoundsTest {
  static final int MAX_FRAME = 65536;
  static final int MAX_OP = 32768;
  static final int MAX_DOC = 20000;

  @TempDir static Path tmp;
  static ProtocolTestServer server;

  @BeforeAll
  static void start() {
    server = ProtocolTestServer.start(tmp, Map.of("max-frame-bytes", "" + MAX_FRAME, "max-op-bytes", "" + MAX_OP,
        "max-doc-length", "" + MAX_DOC));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aFrameOverMaxFrameBytesClosesWith1009AndTheServerServesOthers() {
    String doc = server.newDoc("Hello world");
    server.assertHarmless(doc, () -> {
      try (WsClient bad = server.client()) {
        bad.send(Msg.insert(doc, 1, 1, 0, "x".repeat(MAX_FRAME)));
        assertEquals(1009, bad.awaitClose());
      }
    });
    // A new connection is served too.
    try (WsClient later = server.client()) {
      later.assertServed();
    }
  }

  @Test
  void aFrameJustOverTheLimitIsRefusedEvenIfItIsOnlyWhitespace() {
    String doc = server.newDoc("Hello world");
    server.assertHarmless(doc, () -> {
      try (WsClient bad = server.client()) {
        bad.send("{\"a\":\"pp\"}" + " ".repeat(MAX_FRAME));
        assertEquals(1009, bad.awaitClose());
      }
    });
  }

  @Test
  void anOpOverMaxOpBytesButUnderTheFrameLimitIsRefusedWithErrOtOpTooLarge() {
    String doc = server.newDoc("Hello world");
    ObjectNode op = Msg.insert(doc, 1, 2, 0, "y".repeat(MAX_OP + 100));
    assertFalse(op.toString().length() > MAX_FRAME, "the frame must fit");
    server.assertHarmless(doc, () -> server.assertRefused(op, "ERR_OT_OP_TOO_LARGE"));
  }

  @Test
  void createDataOverMaxOpBytesIsRefusedWithErrOtOpTooLarge() {
    String doc = ProtocolTestServer.newId("big-create");
    ObjectNode create = Msg.create(doc, 1, "z".repeat(MAX_OP + 100));
    server.assertHarmless(doc, () -> server.assertRefused(create, "ERR_OT_OP_TOO_LARGE"));
  }

  @Test
  void anEditThatWouldMakeTheDocumentTooLongIsRefusedWithErrOtDocTooLarge() {
    String doc = server.newDoc("Hello world");
    try (WsClient c = server.client()) {
      JsonNode ack = c.request(Msg.insert(doc, 1, 1, 11, "a".repeat(MAX_DOC - 11 - 4)), Msg.ackOrError(1));
      assertFalse(Msg.isError(ack), ack::toString);
    }
    // 4 characters short of the limit: 5 more are refused; then the bystander check's "fine" (4) fills it exactly.
    server.assertHarmless(doc, () -> server.assertRefused(Msg.insert(doc, 2, 2, 0, "bbbbb"), "ERR_OT_DOC_TOO_LARGE"));
    assertEquals(MAX_DOC, server.snapshot(doc).get("data").get("ops").get(0).get("insert").asText().length());
  }

  @Test
  void aCreateOverMaxDocLengthIsRefusedWithErrOtDocTooLarge() {
    String doc = ProtocolTestServer.newId("long-create");
    ObjectNode create = Msg.create(doc, 1, "c".repeat(MAX_DOC + 1));
    server.assertHarmless(doc, () -> server.assertRefused(create, "ERR_OT_DOC_TOO_LARGE"));
  }

  @Test
  void concurrentInsertsThatTogetherExceedTheLimitRefuseTheLaterOne() {
    String doc = server.newDoc("Hello world");
    int half = (MAX_DOC - 11) / 2 + 1;
    try (WsClient first = server.client()) {
      JsonNode ack = first.request(Msg.insert(doc, 1, 1, 0, "d".repeat(half)), Msg.ackOrError(1));
      assertFalse(Msg.isError(ack), ack::toString);
    }
    // Based on version 1, it fits the document it saw; transformed past the first insert, it does not.
    server.assertHarmless(doc, () -> server.assertRefused(Msg.insert(doc, 1, 2, 11, "e".repeat(half)), "ERR_OT_DOC_TOO_LARGE"));
  }
}
