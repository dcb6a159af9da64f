package dev.quire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.bus.redis.RedisBus;
import dev.quire.server.store.postgres.ThrowawayDatabase;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.ProtocolTestServer;
import dev.quire.server.testing.TestServer;
import dev.quire.server.testing.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commit forwarding across real servers (PostgreSQL, Redis): one writer on each of two servers
 * typing into one document. One server commits, the other hands it its submissions (and only
 * that one); every op is acknowledged once, with dense versions, and both servers end with the
 * same document. The unit-level cases (lost, late and refused forwards) are in
 * {@code CommitForwardingTest}.
 */
class ClusterForwardingTest {
  private static final String REDIS = System.getProperty("quire.redis.url", "redis://127.0.0.1:6379");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int OPS = 150;

  @TempDir Path dir;

  @Test
  void writersOnTwoServersCommitThroughOne() throws Exception {
    try (RedisBus reachable = RedisBus.connect(REDIS)) {
      // Redis is there (with CI=true a missing service fails here rather than skipping).
    }
    try (ThrowawayDatabase db = ThrowawayDatabase.create()) {
      Map<String, String> cluster = Map.of("database-url", db.url(), "redis-url", REDIS);
      try (TestServer a = TestServer.start(dir.resolve("a"), cluster);
          TestServer b = TestServer.start(dir.resolve("b"), cluster)) {
        String doc = ProtocolTestServer.newId("forwarding");
        try (WsClient creator = WsClient.connect(URI.create(a.wsUrl()))) {
          JsonNode ack = creator.request(Msg.create(doc, 1, "\n"), Msg.ackOrError(1));
          assertFalse(Msg.isError(ack), ack::toString);
        }
        List<CompletableFuture<List<Long>>> writers = new ArrayList<>();
        for (TestServer s : List.of(a, b)) {
          writers.add(CompletableFuture.supplyAsync(() -> write(s.wsUrl(), doc)));
        }
        Set<Long> versions = new HashSet<>();
        for (CompletableFuture<List<Long>> w : writers) {
          for (long v : w.get(120, TimeUnit.SECONDS)) {
            assertTrue(versions.add(v), "version " + v + " acknowledged twice");
          }
        }
        for (long v = 1; v <= 2 * OPS; v++) {
          assertTrue(versions.contains(v), "version " + v + " acknowledged");
        }
        JsonNode fromA = snapshot(a, doc, 1 + 2 * OPS);
        JsonNode fromB = snapshot(b, doc, 1 + 2 * OPS);
        assertEquals(fromA, fromB);
        double forwardedA = metric(a, "quire_commit_forwarded_total");
        double forwardedB = metric(b, "quire_commit_forwarded_total");
        assertTrue((forwardedA > 0) != (forwardedB > 0),
            "exactly one server forwards: a " + forwardedA + ", b " + forwardedB);
        assertEquals(0.0, metric(a, "quire_submissions_pending") + metric(b, "quire_submissions_pending"),
            "every submission was answered, on both sides");
      }
    }
  }

  /** Types OPS inserts at the start, one in flight at a time; returns the acknowledged versions. */
  private static List<Long> write(String url, String doc) {
    List<Long> acked = new ArrayList<>();
    try (WsClient c = WsClient.connect(URI.create(url))) {
      long base = 1;
      for (int seq = 1; seq <= OPS; seq++) {
        JsonNode reply = c.request(Msg.insert(doc, base, seq, 0, "x"), Msg.ackOrError(seq));
        assertFalse(Msg.isError(reply), reply::toString);
        long v = reply.get("v").asLong();
        acked.add(v);
        base = v + 1;
        c.clear();
      }
    }
    return acked;
  }

  /** The server's snapshot of {@code doc} once it has reached {@code version} (the bus may lag a moment). */
  private static JsonNode snapshot(TestServer s, String doc, long version) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try (WsClient c = WsClient.connect(URI.create(s.wsUrl()))) {
      while (true) {
        JsonNode snap = ProtocolTestServer.fetch(c, doc);
        if (snap.get("v").asLong() >= version) {
          assertEquals(version, snap.get("v").asLong(), "no op beyond the acknowledged ones");
          return snap;
        }
        assertTrue(System.nanoTime() < deadline, "the server reached v" + version + ": " + snap.get("v"));
        c.clear();
      }
    }
  }

  private static double metric(TestServer s, String name) throws Exception {
    String text = HTTP.send(HttpRequest.newBuilder(URI.create(s.httpUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError(name + " not in the scrape");
  }
}
