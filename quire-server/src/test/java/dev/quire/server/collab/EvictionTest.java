package dev.quire.server.collab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.store.StoredSnapshot;
import dev.quire.server.store.sqlite.SqliteStore;
import dev.quire.server.testing.ProtocolTestServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Documents nobody has open leave memory, with a snapshot written first, and come back intact. */
class EvictionTest {
  @TempDir Path dir;

  @Test
  void anIdleDocumentIsSnapshottedUnloadedAndReopenedIntact() {
    try (ProtocolTestServer server = ProtocolTestServer.start(dir, Map.of("doc-idle-timeout", "PT1S"))) {
      String doc = server.newDoc("Hello idle world");
      JsonNode before = server.snapshot(doc);
      await(() -> server.openDocuments() == 0, "the idle document leaves memory");

      try (SqliteStore store = SqliteStore.open(dir)) { // WAL: a second reader alongside the server
        // The snapshot is written off the document's thread as it leaves memory: wait for it.
        await(() -> store.snapshotAtOrBefore("docs", doc, Long.MAX_VALUE).isPresent(),
            "a snapshot was written on the way out");
        Optional<StoredSnapshot> snap = store.snapshotAtOrBefore("docs", doc, Long.MAX_VALUE);
        assertEquals(before.get("v").asLong(), snap.orElseThrow().version());
      }
      assertEquals(before, server.snapshot(doc), "reopened from the snapshot, the document is the same");
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      LockSupport.parkNanos(20_000_000);
    }
  }
}
