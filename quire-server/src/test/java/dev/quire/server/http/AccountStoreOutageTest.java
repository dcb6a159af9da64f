package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.TestServer;
import dev.quire.server.testing.ThrowawayPostgres;
import dev.quire.server.testing.WsClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With accounts on PostgreSQL, a protocol message that needs a role the server does not hold
 * while the database is down: the connection is closed with 1013 (try again later), so the client
 * reconnects and sends it again — before, the message was dropped without a reply, and a sharedb
 * client would have waited for it until its connection happened to drop (an op never saved, the
 * ops typed after it held behind it). The lookup waits for the pool's timeout on the store's
 * threads, not Jetty's: meanwhile the same person's other connection is served, and the waiting
 * connection still receives what others send on a document it has open. A real PostgreSQL of the
 * test's own, stopped as in a crash and started again.
 */
class AccountStoreOutageTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir Path dir;

  @Test
  void aRoleThatCannotBeReadClosesTheConnectionToBeRetriedAndOthersAreServedMeanwhile() throws Exception {
    try (ThrowawayPostgres pg = ThrowawayPostgres.start();
        TestServer server = TestServer.start(dir.resolve("data"), Map.of("auth", "accounts", "database-url", pg.url()));
        Sockets sockets = new Sockets(server.wsUrl())) {
      Browser ann = new Browser(server.httpUrl()).signUp("ann", PASSWORD);
      String a = create(ann, "A");
      String b = create(ann, "B"); // nothing asks ann's role on B before the outage
      WsClient waiting = sockets.open(ann);
      WsClient other = sockets.open(ann);
      assertFalse(Msg.isError(joinPresence(waiting, a, 1)), "ann's role on A is now known to the server");
      assertFalse(Msg.isError(joinPresence(other, a, 1)));

      pg.stopImmediately();
      waiting.send(Msg.obj().put("a", "ps").put("ch", "docs." + b).put("seq", 2));
      other.assertServed();
      ObjectNode cursor = Msg.obj().put("a", "p").put("ch", "docs." + a).put("id", "other").put("pv", 1);
      cursor.putObject("p").put("index", 0).put("length", 0);
      other.send(cursor);
      waiting.next(m -> "p".equals(m.path("a").asText()) && "other".equals(m.path("id").asText())
          && !m.has("error"));
      assertEquals(1013, waiting.awaitClose(), "told to come back later, not left waiting");

      pg.startAgain();
      WsClient again = sockets.open(ann);
      JsonNode joined = joinPresence(again, b, 3);
      assertFalse(Msg.isError(joined), joined.toString());
      other.assertServed();
    }
  }

  private static JsonNode joinPresence(WsClient c, String doc, int seq) {
    return c.request(Msg.obj().put("a", "ps").put("ch", "docs." + doc).put("seq", seq),
        m -> "ps".equals(m.path("a").asText()) && m.path("seq").asInt() == seq);
  }

  private static String create(Browser b, String title) {
    Http.Reply r = b.send("POST", "/api/documents", "{\"title\":\"" + title + "\"}");
    assertEquals(201, r.status(), r.body());
    return r.json().get("document").get("id").asText();
  }
}
