package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.TestServer;
import dev.quire.server.testing.WsClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/documents/{id}/history}: a document as it was at a version or a time, for anyone
 * who may view it; bad parameters are refused with stable codes and change nothing.
 */
class HistoryApiTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir Path dir;
  private TestServer server;
  private Sockets sockets;
  private Browser ann;
  private Browser bob;
  private Browser carol;
  private String doc;
  private long afterHello; // the time after "hello" was typed, before " world"

  @BeforeEach
  void start() {
    server = TestServer.start(dir.resolve("data"), Map.of("auth", "accounts"));
    sockets = new Sockets(server.wsUrl());
    ann = new Browser(server.httpUrl()).signUp("ann", PASSWORD);
    bob = new Browser(server.httpUrl()).signUp("bob", PASSWORD);
    carol = new Browser(server.httpUrl()).signUp("carol", PASSWORD);
    Http.Reply r = ann.send("POST", "/api/documents", "{\"title\":\"Notes\"}");
    assertEquals(201, r.status(), r.body());
    doc = r.json().get("document").get("id").asText();
    assertEquals(200, ann.send("PUT", "/api/documents/" + doc + "/people", "{\"user\":\"carol\",\"role\":\"viewer\"}").status());
    WsClient c = sockets.open(ann);
    long v = Sockets.version(c, doc); // 1: created, "\n"
    assertFalse(Msg.isError(sockets.submit(c, Msg.insert(doc, v, 0, 0, "hello"))));
    afterHello = awaitNextMillisecond();
    assertFalse(Msg.isError(sockets.submit(c, Msg.insert(doc, v + 1, 0, 5, " world"))));
  }

  @AfterEach
  void stop() {
    sockets.close();
    server.close();
  }

  private Http.Reply history(Browser b, String query) {
    return b.get("/api/documents/" + doc + "/history?" + query);
  }

  @Test
  void aViewerReadsTheDocumentAsItWasAtEachVersion() {
    assertEquals("{\"id\":\"" + doc + "\",\"version\":0,\"type\":null,\"data\":null}", history(carol, "version=0").body());
    JsonNode created = history(carol, "version=1").json();
    assertEquals(1, created.get("version").asLong());
    assertEquals("http://sharejs.org/types/rich-text/v1", created.get("type").asText());
    assertEquals("[{\"insert\":\"\\n\"}]", created.get("data").toString());
    assertEquals("[{\"insert\":\"hello\\n\"}]", history(carol, "version=2").json().get("data").toString());
    assertEquals("[{\"insert\":\"hello world\\n\"}]", history(ann, "version=3").json().get("data").toString());
  }

  @Test
  void aTimeGivesTheDocumentAfterEveryOpCommittedByThen() {
    JsonNode then = history(carol, "at=" + afterHello).json();
    assertEquals(2, then.get("version").asLong());
    assertEquals("[{\"insert\":\"hello\\n\"}]", then.get("data").toString());
    assertEquals(3, history(carol, "at=" + Long.MAX_VALUE / 1024).json().get("version").asLong(), "after the last op: now");
    assertEquals(0, history(carol, "at=0").json().get("version").asLong(), "before it was created");
  }

  @Test
  void someoneWithoutARoleIsToldThereIsNoSuchDocument() {
    assertEquals("ERR_API_DOC_NOT_FOUND", history(bob, "version=1").errorCode());
    assertEquals(404, history(bob, "at=1").status());
    assertEquals("ERR_API_DOC_NOT_FOUND", ann.get("/api/documents/nosuchdoc/history?version=0").errorCode());
    assertEquals("ERR_AUTH_NOT_SIGNED_IN", new Browser(server.httpUrl()).get("/api/documents/" + doc + "/history?version=1").errorCode());
  }

  @Test
  void badParametersAreRefusedWithStableCodes() {
    Map<String, String> refused = Map.of(
        "", "ERR_API_BAD_HISTORY_QUERY",
        "version=1&at=1", "ERR_API_BAD_HISTORY_QUERY",
        "version=-1", "ERR_API_BAD_VERSION",
        "version=1e3", "ERR_API_BAD_VERSION",
        "version=", "ERR_API_BAD_VERSION",
        "version=99999999999999999999", "ERR_API_BAD_VERSION",
        "at=yesterday", "ERR_API_BAD_TIME",
        "at=-5", "ERR_API_BAD_TIME");
    refused.forEach((query, code) -> {
      Http.Reply r = history(carol, query);
      assertEquals(400, r.status(), query + ": " + r.body());
      assertEquals(code, r.errorCode(), query);
    });
  }

  @Test
  void aVersionPastTheHeadIsRefusedNamingTheHead() {
    Http.Reply r = history(carol, "version=4");
    assertEquals(400, r.status());
    assertEquals("ERR_API_VERSION_AHEAD", r.errorCode());
    assertTrue(r.json().get("error").get("message").asText().contains("head, version 3"), r.body());
    assertEquals("[{\"insert\":\"hello world\\n\"}]", history(carol, "version=3").json().get("data").toString(),
        "nothing changed");
  }

  /** Returns a time after now, once the clock has passed it, so ops after it have later timestamps. */
  private static long awaitNextMillisecond() {
    long t = System.currentTimeMillis();
    while (System.currentTimeMillis() <= t) {
      Thread.onSpinWait();
    }
    return t;
  }
}
