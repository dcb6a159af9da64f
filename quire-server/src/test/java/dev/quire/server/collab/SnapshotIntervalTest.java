package dev.quire.server.collab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.store.sqlite.SqliteStore;
import dev.quire.server.testing.Await;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.ProtocolTestServer;
import dev.quire.server.testing.WsClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots come every {@code snapshot-every} ops in a short document, and every length / 1,024
 * ops in a long one, whose every snapshot is a pass over the whole text on the document's actor.
 */
class SnapshotIntervalTest {
  @TempDir Path dir;

  @Test
  void theIntervalIsTheSettingOrOneOpPer1024Characters() {
    assertEquals(100, SequencerSettings.snapshotInterval(100, 0));
    assertEquals(100, SequencerSettings.snapshotInterval(100, 102_400));
    assertEquals(101, SequencerSettings.snapshotInterval(100, 103_424));
    assertEquals(1_269, SequencerSettings.snapshotInterval(100, 1_300_000));
    assertEquals(2, SequencerSettings.snapshotInterval(2, 2_047));
  }

  @Test
  void aLongDocumentIsSnapshottedLessOftenThanAShortOne() {
    try (ProtocolTestServer server = ProtocolTestServer.start(dir, Map.of("snapshot-every", "2"))) {
      String shortDoc = server.newDoc("short"); // every 2 ops
      String longDoc = server.newDoc("x".repeat(10_240)); // 10,240 / 1,024: every 10 ops
      type(server, shortDoc, 9);
      type(server, longDoc, 9); // head 10 (the create is version 0)

      try (SqliteStore store = SqliteStore.open(dir)) { // WAL: a second reader beside the server
        // Snapshots are written off the document's actor: wait for the one at head 10 of each.
        Await.until(() -> newest(store, shortDoc, 10) == 10, "the short document's snapshot at 10");
        Await.until(() -> newest(store, longDoc, 10) == 10, "the long document's snapshot at 10");
        assertEquals(8, newest(store, shortDoc, 9), "the short one was snapshotted every 2 ops");
        assertFalse(store.snapshotAtOrBefore("docs", longDoc, 9).isPresent(),
            "the long one was not snapshotted before its 10th op");
      }
      JsonNode fetched = server.snapshot(longDoc);
      assertEquals(10, fetched.get("v").asLong());
      assertTrue(fetched.toString().contains("abcdefghi" + "x".repeat(10_240)), "every op applied, in order");
    }
  }

  /** Types {@code n} letters at the start of {@code doc}, one op each, awaiting each ack. */
  private static void type(ProtocolTestServer server, String doc, int n) {
    try (WsClient c = server.client()) {
      long v = ProtocolTestServer.fetch(c, doc).get("v").asLong();
      for (int i = 0; i < n; i++) {
        JsonNode ack = c.request(Msg.insert(doc, v + i, i + 1, i, String.valueOf((char) ('a' + i))),
            Msg.ackOrError(i + 1));
        assertFalse(Msg.isError(ack), ack::toString);
      }
    }
  }

  private static long newest(SqliteStore store, String doc, long atOrBefore) {
    return store.snapshotAtOrBefore("docs", doc, atOrBefore).map(s -> s.version()).orElse(-1L);
  }
}
