package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.testing.Await;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.TestServer;
import dev.quire.server.testing.ThrowawayPostgres;
import dev.quire.server.testing.ThrowawayReplication;
import dev.quire.server.testing.WsClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with a read replica (a real streaming replica of a throwaway primary): history reads,
 * listings and document opens are served by the replica once it has caught up, and a change made
 * through the API shows in its author's next listing even while the replica's replay is paused.
 */
class ReplicaServerTest {
  private static ThrowawayReplication cluster;
  private static ThrowawayPostgres primary;
  private static ThrowawayPostgres replica;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ThrowawayReplication.start();
    primary = cluster.primary();
    replica = cluster.replica();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void historyListingsAndOpensComeFromTheReplicaAndAnAuthorSeesTheirChangeAtOnce() throws Exception {
    Map<String, String> settings = Map.of("database-url", primary.url(), "database-replica-urls", replica.url());
    try (TestServer a = TestServer.start(dir.resolve("a"), settings);
        WsClient editor = WsClient.connect(URI.create(a.wsUrl()))) {
      Http http = new Http(a.httpUrl());
      Http.Reply created = http.json("POST", "/api/documents", "{\"title\":\"Plan\"}");
      assertEquals(201, created.status(), created.body());
      String id = created.json().path("document").path("id").asText();
      assertEquals("Plan", titles(http), "the author's own new document is listed at once");
      editor.request(Msg.subscribe(id), m -> "s".equals(m.path("a").asText()));
      assertFalse(Msg.isError(editor.request(Msg.insert(id, 1, 1, 0, "hello"), Msg.ackOrError(1))));

      Await.until(() -> {
        JsonNode v2 = http.get("/api/documents/" + id + "/history?version=2").json();
        assertEquals("[{\"insert\":\"hello\\n\"}]", v2.path("data").toString());
        return served(http, "history") > 0;
      }, "a history read served by the replica");
      // The protocol's snapshot request at a past version goes the same way.
      double before = served(http, "history");
      Await.until(() -> {
        JsonNode v1 = editor.request(Msg.obj().put("a", "nf").put("id", 7).put("c", "docs").put("d", id).put("v", 1),
            m -> "nf".equals(m.path("a").asText()));
        assertEquals("[{\"insert\":\"\\n\"}]", v1.path("data").path("ops").toString());
        return served(http, "history") > before;
      }, "an nf request served by the replica");
      Await.until(() -> {
        assertEquals("Plan", titles(http));
        return served(http, "list") > 0;
      }, "a listing served by the replica");

      // A second server opens the document cold: the replica gives it, the primary only the tail.
      try (TestServer b = TestServer.start(dir.resolve("b"), settings);
          WsClient reader = WsClient.connect(URI.create(b.wsUrl()))) {
        // Until its first poll of the replica answers, a new server knows no replica to read from.
        Await.until(() -> replicaPolled(new Http(b.httpUrl())), "server b's first poll of the replica");
        JsonNode fetched = reader.request(Msg.fetch(id), m -> "f".equals(m.path("a").asText()));
        assertEquals(2, fetched.path("data").path("v").asLong());
        assertEquals(1, served(new Http(b.httpUrl()), "open"), "the open was read from the replica");
      }

      replica.pauseReplay();
      try {
        assertEquals(200, http.json("PATCH", "/api/documents/" + id, "{\"title\":\"Plan B\"}").status());
        assertEquals("Plan B", titles(http), "the author's rename is listed at once, from the primary");
      } finally {
        replica.resumeReplay();
      }
    }
  }

  private static String titles(Http http) {
    return http.get("/api/documents").json().path("documents").path(0).path("title").asText(null);
  }

  /** Whether the server has a replica that answered a poll (its lag gauge is known: not -1). */
  private static boolean replicaPolled(Http http) {
    for (String line : http.get("/metrics").body().split("\n")) {
      if (line.startsWith("quire_replica_lag_bytes{")
          && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Reads of {@code kind} the server counted as served by a replica. */
  private static double served(Http http, String kind) {
    double sum = 0;
    for (String line : http.get("/metrics").body().split("\n")) {
      if (line.startsWith("quire_replica_reads_total{") && line.contains("read=\"" + kind + "\"")
          && line.contains("target=\"replica\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
