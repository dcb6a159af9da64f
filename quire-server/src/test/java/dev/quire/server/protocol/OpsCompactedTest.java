package dev.quire.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.retention.Compactor;
import dev.quire.server.store.sqlite.SqliteStore;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.ProtocolTestServer;
import dev.quire.server.testing.WsClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sees of a document whose old ops the retention policy deleted: a request for ops
 * from a version below the cut is refused with ERR_QUIRE_OPS_COMPACTED (never answered with a
 * partial list), an op based on such a version too, a snapshot at such a version is the nearest
 * kept one (which its reply names), and everything at or after the cut works as before.
 */
class OpsCompactedTest {
  @TempDir static Path tmp;
  static ProtocolTestServer server;
  static String doc;
  static long head;

  /** 25 ops, compacted with a snapshot every 10 ops: the cut is at 20. */
  @BeforeAll
  static void compactADocument() {
    server = ProtocolTestServer.start(tmp, Map.of());
    doc = server.newDoc("x");
    try (WsClient c = server.client()) {
      for (int v = 1; v < 25; v++) {
        JsonNode ack = c.request(Msg.insert(doc, v, v + 1, 0, "v" + v + " "), Msg.ackOrError(v + 1));
        assertFalse(Msg.isError(ack), ack::toString);
      }
    }
    head = server.snapshot(doc).get("v").asLong();
    server.close(); // so the document is loaded again, from the store, by the next server
    try (SqliteStore store = SqliteStore.open(tmp)) {
      Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(1)), ZoneOffset.UTC);
      assertEquals(20, new Compactor(store, later, Duration.ofHours(1), 10).runOnce().opsDeleted());
    }
    server = ProtocolTestServer.start(tmp, Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aFetchOrSubscribeFromAVersionBelowTheCutIsRefusedWithOpsCompacted() {
    for (String a : new String[] {"f", "s"}) {
      server.assertRefused(Msg.fetch(doc).put("a", a).put("v", 3), "ERR_QUIRE_OPS_COMPACTED");
    }
  }

  @Test
  void aFetchFromTheCutOnGetsItsOps() {
    try (WsClient c = server.client()) {
      c.request(Msg.fetch(doc).put("v", 20), Msg.replyTo("f", doc));
      assertEquals(head - 20, c.count(m -> "op".equals(m.path("a").asText())));
    }
  }

  @Test
  void anOpBasedOnAVersionBelowTheCutIsRefusedAndChangesNothing() {
    server.assertHarmless(doc, () -> server.assertRefused(Msg.insert(doc, 5, 1, 0, "late"), "ERR_QUIRE_OPS_COMPACTED"));
  }

  @Test
  void aSnapshotAtACompactedVersionIsTheNearestKeptOneAndSaysWhichVersion() {
    try (WsClient c = server.client()) {
      JsonNode reply = c.request(Msg.obj().put("a", "nf").put("id", 1).put("c", "docs").put("d", doc).put("v", 15),
          m -> "nf".equals(m.path("a").asText()));
      assertFalse(Msg.isError(reply), reply::toString);
      assertEquals(10, reply.get("v").asLong());
      assertTrue(reply.get("data").toString().startsWith("{\"ops\":[{\"insert\":\"v9 v8"), reply.toString());
      JsonNode exact = c.request(Msg.obj().put("a", "nf").put("id", 2).put("c", "docs").put("d", doc).put("v", 22),
          m -> "nf".equals(m.path("a").asText()) && m.path("id").asInt() == 2);
      assertEquals(22, exact.get("v").asLong(), "at or after the cut a version is exact");
    }
  }
}
