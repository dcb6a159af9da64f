package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.bus.redis.RedisBus;
import dev.quire.server.store.postgres.ThrowawayDatabase;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.TestServer;
import dev.quire.server.testing.WsClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The home page's API across two servers on one PostgreSQL and one Redis (cluster mode): what one
 * server does to a document, people connected to the other see live, and both list the same.
 */
class ClusterDocumentsApiTest {
  private static final String REDIS = System.getProperty("quire.redis.url", "redis://127.0.0.1:6379");

  @TempDir Path dir;

  @Test
  void aRenameOrDeleteThroughOneServerReachesTheEditorsOfTheOtherAndBothListsAgree() {
    requireRedis();
    try (ThrowawayDatabase db = ThrowawayDatabase.create()) {
      Map<String, String> cluster = Map.of("database-url", db.url(), "redis-url", REDIS);
      try (TestServer a = TestServer.start(dir.resolve("a"), cluster);
          TestServer b = TestServer.start(dir.resolve("b"), cluster);
          WsClient onB = WsClient.connect(URI.create(b.wsUrl()))) {
        Http httpA = new Http(a.httpUrl());
        Http httpB = new Http(b.httpUrl());
        Http.Reply created = httpA.json("POST", "/api/documents", "{\"title\":\"Shared plan\"}");
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("document").path("id").asText();
        onB.request(Msg.subscribe(id).put("c", "titles"), m -> "s".equals(m.path("a").asText()));
        onB.request(Msg.subscribe(id), m -> "s".equals(m.path("a").asText()));

        assertEquals(200, httpA.json("PATCH", "/api/documents/" + id, "{\"title\":\"Shared plan v2\"}").status());
        JsonNode renamed = onB.next(m -> "op".equals(m.path("a").asText()) && "titles".equals(m.path("c").asText()));
        assertEquals("[{\"retain\":11},{\"insert\":\" v2\"}]", renamed.path("op").toString());
        assertEquals("Shared plan v2", first(httpB.get("/api/documents?q=shared").json()));

        assertEquals(200, httpB.raw("DELETE", "/api/documents/" + id, null, null).status());
        assertTrue(onB.next(m -> "op".equals(m.path("a").asText()) && m.path("del").asBoolean()).path("del").asBoolean());
        assertEquals(0, httpA.get("/api/documents?q=shared").json().path("documents").size());
        assertEquals(200, httpA.json("POST", "/api/documents/" + id + "/restore", "{}").status());
        assertEquals("Shared plan v2", first(httpB.get("/api/documents?q=shared").json()));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void failedLoginsOnOneServerCountOnTheOther() {
    requireRedis();
    try (ThrowawayDatabase db = ThrowawayDatabase.create()) {
      Map<String, String> cluster = Map.of("database-url", db.url(), "redis-url", REDIS, "auth", "accounts");
      try (TestServer a = TestServer.start(dir.resolve("a"), cluster);
          TestServer b = TestServer.start(dir.resolve("b"), cluster)) {
        String password = "correct horse battery";
        new Browser(a.httpUrl()).signUp("ann", password);
        for (int i = 0; i < 5; i++) {
          TestServer guessedAt = i % 2 == 0 ? a : b;
          assertEquals("ERR_AUTH_BAD_CREDENTIALS", new Browser(guessedAt.httpUrl()).send("POST", "/api/auth/login",
              "{\"name\":\"ann\",\"password\":\"guess " + i + "\"}").errorCode());
        }
        for (TestServer s : new TestServer[] {a, b}) {
          Http.Reply r = new Browser(s.httpUrl()).send("POST", "/api/auth/login",
              "{\"name\":\"ann\",\"password\":\"" + password + "\"}");
          assertEquals("ERR_AUTH_THROTTLED", r.errorCode(), "five failures spread over two servers are five");
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String first(JsonNode list) {
    return list.path("documents").path(0).path("title").asText(null);
  }

  private static void requireRedis() {
    try (RedisBus bus = RedisBus.connect(REDIS)) {
      // reachable
    } catch (RuntimeException e) {
      String why = "Redis at " + REDIS + " is not reachable: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(why + "; with CI=true the cluster tests must run");
      }
      Assumptions.abort(why);
    }
  }
}
