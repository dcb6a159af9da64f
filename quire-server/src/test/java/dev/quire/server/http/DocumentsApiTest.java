package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.TestServer;
import dev.quire.server.testing.WsClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API of the home page against a real server: answers, errors, and what reaches the protocol. */
class DocumentsApiTest {
  @TempDir static Path dir;
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() {
    server = TestServer.start(dir.resolve("data"));
    http = new Http(server.httpUrl());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode create(String title) {
    Http.Reply r = http.json("POST", "/api/documents", "{\"title\":" + Msg.quote(title) + "}");
    assertEquals(201, r.status(), r.body());
    return r.json().get("document");
  }

  private static List<String> titles(String query) {
    List<String> out = new ArrayList<>();
    for (JsonNode d : http.get("/api/documents?" + query).json().get("documents")) {
      out.add(d.get("title").asText());
    }
    return out;
  }

  @Test
  void aCreatedDocumentIsListedAndExistsInTheProtocolWithItsTitleDocument() {
    JsonNode d = create("  Minutes 2026-11  ");
    assertEquals("Minutes 2026-11", d.get("title").asText(), "titles are trimmed");
    String id = d.get("id").asText();
    assertTrue(id.matches("[a-z0-9]{12}"), id);
    assertTrue(titles("q=minutes%202026").contains("Minutes 2026-11"));
    try (WsClient c = WsClient.connect(URI.create(server.wsUrl()))) {
      JsonNode doc = c.request(Msg.fetch(id), m -> "f".equals(m.path("a").asText()));
      assertEquals("[{\"insert\":\"\\n\"}]", doc.path("data").path("data").path("ops").toString());
      JsonNode title = c.request(Msg.fetch(id).put("c", "titles"), m -> "f".equals(m.path("a").asText()));
      assertEquals("[{\"insert\":\"Minutes 2026-11\"}]", title.path("data").path("data").path("ops").toString());
    }
  }

  @Test
  void everyAnswerIsNoStoreJson() {
    for (Http.Reply r : List.of(http.get("/api/documents"), http.get("/api/documents/nope"), http.get("/api/what"))) {
      assertEquals("no-store", r.header("Cache-Control"), r.body());
      assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
    }
    assertEquals("ERR_API_DOC_NOT_FOUND", http.get("/api/documents/nope").errorCode());
    assertEquals("ERR_API_NOT_FOUND", http.get("/api/what").errorCode());
  }

  @Test
  void badRequestsGetAStableCodeAndChangeNothing() {
    String id = create("Keep").get("id").asText();
    record Bad(String method, String path, String type, String body, int status, String code) {}
    List<Bad> bad = List.of(
        new Bad("POST", "/api/documents", "application/json", "{", 400, "ERR_API_BAD_JSON"),
        new Bad("POST", "/api/documents", "application/json", "[1]", 400, "ERR_API_BAD_JSON"),
        new Bad("POST", "/api/documents", "application/json", "{} {}", 400, "ERR_API_BAD_JSON"),
        new Bad("POST", "/api/documents", "text/plain", "{}", 415, "ERR_API_UNSUPPORTED_MEDIA_TYPE"),
        new Bad("POST", "/api/documents", null, "{}", 415, "ERR_API_UNSUPPORTED_MEDIA_TYPE"),
        new Bad("POST", "/api/documents", "application/json", "{\"title\":5}", 400, "ERR_API_BAD_REQUEST"),
        new Bad("POST", "/api/documents", "application/json", "{\"title\":\"a\\nb\"}", 400, "ERR_API_BAD_REQUEST"),
        new Bad("POST", "/api/documents", "application/json", "{\"title\":\"x\\ud800\"}", 400, "ERR_API_BAD_REQUEST"),
        new Bad("POST", "/api/documents", "application/json", "{\"title\":\"" + "x".repeat(201) + "\"}", 400, "ERR_API_BAD_REQUEST"),
        new Bad("PATCH", "/api/documents/" + id, "application/json", "{}", 400, "ERR_API_BAD_REQUEST"),
        new Bad("PATCH", "/api/documents/" + id, "application/json", "{\"title\":null}", 400, "ERR_API_BAD_REQUEST"),
        new Bad("PATCH", "/api/documents/zzzz", "application/json", "{\"title\":\"x\"}", 404, "ERR_API_DOC_NOT_FOUND"),
        new Bad("PATCH", "/api/documents/a%2F..", "application/json", "{\"title\":\"x\"}", 404, "ERR_API_DOC_NOT_FOUND"),
        new Bad("DELETE", "/api/documents/zzzz", null, null, 404, "ERR_API_DOC_NOT_FOUND"),
        new Bad("POST", "/api/documents/" + id + "/restore", "application/json", "{}", 409, "ERR_API_DOC_NOT_DELETED"),
        new Bad("POST", "/api/documents/" + id + "/restore", null, null, 415, "ERR_API_UNSUPPORTED_MEDIA_TYPE"),
        new Bad("GET", "/api/documents?sort=size", null, null, 400, "ERR_API_BAD_REQUEST"),
        new Bad("GET", "/api/documents?limit=0", null, null, 400, "ERR_API_BAD_REQUEST"),
        new Bad("GET", "/api/documents?limit=x", null, null, 400, "ERR_API_BAD_REQUEST"),
        new Bad("GET", "/api/documents?trash=maybe", null, null, 400, "ERR_API_BAD_REQUEST"),
        new Bad("GET", "/api/documents?q=" + "q".repeat(201), null, null, 400, "ERR_API_BAD_REQUEST"));
    int before = http.get("/api/documents?limit=1000").json().get("documents").size();
    for (Bad b : bad) {
      Http.Reply r = http.raw(b.method(), b.path(), b.type(), b.body());
      assertEquals(b.status(), r.status(), () -> b + " → " + r.body());
      assertEquals(b.code(), r.errorCode(), () -> b + " → " + r.body());
      assertFalse(r.json().path("error").path("message").asText().isEmpty(), b::toString);
    }
    assertEquals(before, http.get("/api/documents?limit=1000").json().get("documents").size());
    assertEquals("Keep", http.get("/api/documents/" + id).json().path("document").path("title").asText());
  }

  @Test
  void renamingChangesTheTitleDocumentLiveAndTheList() {
    String id = create("Draft").get("id").asText();
    try (WsClient c = WsClient.connect(URI.create(server.wsUrl()))) {
      c.request(Msg.subscribe(id).put("c", "titles"), m -> "s".equals(m.path("a").asText()));
      Http.Reply r = http.json("PATCH", "/api/documents/" + id, "{\"title\":\"Final draft\"}");
      assertEquals(200, r.status(), r.body());
      assertEquals("Final draft", r.json().path("document").path("title").asText());
      JsonNode op = c.next(m -> "op".equals(m.path("a").asText()) && id.equals(m.path("d").asText()));
      // "Draft" → "Final draft": the common end "raft" stays, only the start changes.
      assertEquals("[{\"insert\":\"Final d\"},{\"delete\":1}]", op.path("op").toString(), "only the change travels");
    }
    assertTrue(titles("q=final").contains("Final draft"));
  }

  @Test
  void aDeletedDocumentLeavesTheListIsRefusedByTheProtocolAndComesBackWithItsText() {
    String id = create("Temporary").get("id").asText();
    try (WsClient c = WsClient.connect(URI.create(server.wsUrl()))) {
      c.request(Msg.subscribe(id), m -> "s".equals(m.path("a").asText()));
      c.request(Msg.insert(id, 1, 1, 0, "Body text"), m -> "op".equals(m.path("a").asText()) && m.has("v") && !m.has("op"));

      Http.Reply del = http.raw("DELETE", "/api/documents/" + id, null, null);
      assertEquals(200, del.status(), del.body());
      assertTrue(del.json().path("document").path("deletedAt").isNumber());
      assertFalse(titles("q=temporary").contains("Temporary"));
      assertTrue(titles("trash=true&q=temporary").contains("Temporary"));
      JsonNode gone = c.next(m -> "op".equals(m.path("a").asText()) && m.path("del").asBoolean());
      assertEquals(2, gone.path("v").asLong());
      JsonNode refused = c.request(Msg.insert(id, 3, 2, 0, "more"), m -> "op".equals(m.path("a").asText()) && Msg.isError(m));
      assertEquals("ERR_DOC_DOES_NOT_EXIST", Msg.errorCode(refused));
      assertEquals("ERR_API_DOC_DELETED", http.json("PATCH", "/api/documents/" + id, "{\"title\":\"x\"}").errorCode());
      assertEquals("ERR_API_DOC_DELETED", http.raw("DELETE", "/api/documents/" + id, null, null).errorCode());

      Http.Reply back = http.json("POST", "/api/documents/" + id + "/restore", "{}");
      assertEquals(200, back.status(), back.body());
      assertTrue(back.json().path("document").path("deletedAt").isNull());
      JsonNode created = c.next(m -> "op".equals(m.path("a").asText()) && m.has("create"));
      JsonNode data = created.path("create").path("data"); // ops as an array, or a Delta {ops}
      assertEquals("[{\"insert\":\"Body text\\n\"}]", (data.isArray() ? data : data.path("ops")).toString());
      assertTrue(titles("q=temporary").contains("Temporary"));
    }
  }

  @Test
  void listsSortByNameOrRecencyAndRecordWhoEdited() {
    String tag = Long.toString(System.nanoTime(), 36);
    String b = create("b-" + tag).get("id").asText();
    create("A-" + tag);
    create("c-" + tag);
    assertEquals(List.of("A-" + tag, "b-" + tag, "c-" + tag), titles("sort=name&q=" + tag));
    try (WsClient c = WsClient.open(URI.create(server.wsUrl().replace("/ws", "/ws?name=Zo%C3%AB%20%20K")))) {
      c.handshake(null);
      c.request(Msg.subscribe(b), m -> "s".equals(m.path("a").asText()));
      c.request(Msg.insert(b, 1, 1, 0, "x"), m -> "op".equals(m.path("a").asText()) && !m.has("op"));
    }
    server.server().flushCatalog();
    List<String> recent = titles("sort=recent&q=" + tag);
    assertEquals("b-" + tag, recent.get(0), recent.toString());
    assertEquals("Zoë K", http.get("/api/documents/" + b).json().path("document").path("editedBy").asText());
  }
}
