package dev.quire.server.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.store.OpsCompactedException;
import dev.quire.server.store.sqlite.SqliteStore;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.ProtocolTestServer;
import dev.quire.server.testing.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server started with op-retention compacts on its own, every compaction-every, counts it in
 * /metrics, and its clients see the same document before and after.
 */
class ScheduledCompactionTest {
  @TempDir Path tmp;

  @Test
  void aServerWithOpRetentionCompactsOnItsOwnCountsItAndTheDocumentStaysTheSame() {
    Map<String, String> settings = Map.of("op-retention", "PT1S", "compaction-every", "PT1S", "snapshot-interval", "10");
    try (ProtocolTestServer server = ProtocolTestServer.start(tmp, settings);
        SqliteStore store = SqliteStore.open(tmp)) { // a second look at the server's file
      String doc = server.newDoc("x");
      try (WsClient c = server.client()) {
        for (int v = 1; v < 25; v++) {
          JsonNode ack = c.request(Msg.insert(doc, v, v + 1, 0, "v" + v + " "), Msg.ackOrError(v + 1));
          assertFalse(Msg.isError(ack), ack::toString);
        }
      }
      JsonNode before = server.snapshot(doc);

      // Once its ops are a second old, a pass (each second) cuts at 20: the last op stays.
      URI metrics = URI.create("http://127.0.0.1:" + server.uri().getPort() + "/metrics");
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (deleted(metrics) < 20) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the server did not compact " + doc + " within 30 s");
        }
        LockSupport.parkNanos(50_000_000);
      }

      assertEquals(20, oldestKept(store, doc));
      assertEquals(before, server.snapshot(doc));
      try (WsClient c = server.client()) {
        JsonNode ack = c.request(Msg.insert(doc, 25, 1, 0, "after "), Msg.ackOrError(1));
        assertFalse(Msg.isError(ack), ack::toString);
      }
    }
  }

  /** quire_compaction_ops_deleted_total, as /metrics says it now. */
  private static double deleted(URI metrics) {
    try {
      String text = HttpClient.newHttpClient()
          .send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
      for (String line : text.split("\n")) {
        if (line.startsWith("quire_compaction_ops_deleted_total ")) {
          return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
        }
      }
      throw new AssertionError("no quire_compaction_ops_deleted_total in /metrics");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long oldestKept(SqliteStore store, String doc) {
    try {
      return store.ops("docs", doc, 0, 1).isEmpty() ? -1 : 0;
    } catch (OpsCompactedException e) {
      return e.oldestKept();
    }
  }
}
