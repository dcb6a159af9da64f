package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.protocol.Agent;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.TestServer;
import dev.quire.server.testing.WsClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Comments: what a commenter may do (threads, replies, anchors in the text — nothing else), what
 * a viewer may not, who may change or remove what, and the live notice to open pages.
 */
class CommentsTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir Path dir;
  private TestServer server;
  private Browser ann; // owner
  private Browser carol; // commenter
  private Browser dave; // viewer
  private Browser erin; // editor
  private String doc;
  private String other; // ann's, shared with nobody
  private Sockets sockets;

  @BeforeEach
  void start() {
    server = TestServer.start(dir.resolve("data"), Map.of("auth", "accounts"));
    sockets = new Sockets(server.wsUrl());
    ann = new Browser(server.httpUrl()).signUp("ann", PASSWORD);
    carol = new Browser(server.httpUrl()).signUp("carol", PASSWORD);
    dave = new Browser(server.httpUrl()).signUp("dave", PASSWORD);
    erin = new Browser(server.httpUrl()).signUp("erin", PASSWORD);
    doc = create("Plan");
    other = create("Private");
    share(doc, "carol", "commenter");
    share(doc, "dave", "viewer");
    share(doc, "erin", "editor");
    WsClient owner = sockets.open(ann);
    long v = Sockets.version(owner, doc);
    assertFalse(Msg.isError(sockets.submit(owner, Msg.insert(doc, v, 0, 0, "Hello world"))));
  }

  @AfterEach
  void stop() {
    sockets.close();
    server.close();
  }

  private String create(String title) {
    Http.Reply r = ann.send("POST", "/api/documents", "{\"title\":\"" + title + "\"}");
    assertEquals(201, r.status(), r.body());
    return r.json().get("document").get("id").asText();
  }

  private void share(String d, String user, String role) {
    assertEquals(200, ann.send("PUT", "/api/documents/" + d + "/people",
        "{\"user\":\"" + user + "\",\"role\":\"" + role + "\"}").status());
  }

  private static String comments(String d) {
    return "/api/documents/" + d + "/comments";
  }

  private static Http.Reply start(Browser b, String d, String quote, String body) {
    return b.send("POST", comments(d), "{\"quote\":" + Msg.quote(quote) + ",\"body\":" + Msg.quote(body) + "}");
  }

  private static JsonNode text(WsClient c, String d) {
    JsonNode r = Sockets.ask(c, Msg.fetch(d), "f", d);
    return r.get("data").get("data");
  }

  @Test
  void aCommenterStartsAThreadAnchorsItAndRepliesButChangesNothingElse() {
    Http.Reply started = start(carol, doc, "world", "Which world?");
    assertEquals(201, started.status(), started.body());
    JsonNode thread = started.json().get("thread");
    String t = thread.get("id").asText();
    assertEquals("world", thread.get("quote").asText());
    assertEquals("carol", thread.get("createdBy").get("name").asText());
    assertEquals("Which world?", thread.get("comments").get(0).get("body").asText());
    assertFalse(thread.get("resolved").asBoolean());

    WsClient c = sockets.open(carol);
    long v = Sockets.version(c, doc);
    JsonNode anchored = sockets.submit(c, Msg.op(doc, v, 0,
        Msg.json("[{\"retain\":6},{\"retain\":5,\"attributes\":{\"comment\":\"" + t + "\"}}]")));
    assertFalse(Msg.isError(anchored), anchored.toString());
    assertEquals("{\"insert\":\"world\",\"attributes\":{\"comment\":\"" + t + "\"}}",
        text(c, doc).get("ops").get(1).toString());

    // Anything else a commenter might send through an op is refused whole, the document unchanged.
    List<ObjectNode> refused = List.of(
        Msg.insert(doc, v + 1, 0, 0, "edit"),
        Msg.op(doc, v + 1, 0, Msg.json("[{\"delete\":1}]")),
        Msg.op(doc, v + 1, 0, Msg.json("[{\"retain\":5,\"attributes\":{\"bold\":true}}]")),
        Msg.op(doc, v + 1, 0, Msg.json("[{\"retain\":5,\"attributes\":{\"comment\":\"" + t + "\",\"link\":\"https://x.org\"}}]")),
        Msg.create(doc, 0, "again"),
        Msg.obj().put("a", "op").put("c", "docs").put("d", doc).put("v", v + 1).put("del", true),
        Msg.op(doc, 1, 0, Msg.json("[{\"retain\":1,\"attributes\":{\"comment\":\"x\"}}]")).put("c", "titles"));
    for (ObjectNode m : refused) {
      assertEquals("ERR_QUIRE_READ_ONLY", Msg.errorCode(sockets.submit(c, m)), m.toString());
    }
    assertEquals(v + 1, Sockets.version(c, doc), "only the anchor was applied");
    // An anchor's value is a thread id, nothing else.
    assertEquals("ERR_QUIRE_CONTENT_REFUSED", Msg.errorCode(sockets.submit(c, Msg.op(doc, v + 1, 0,
        Msg.json("[{\"retain\":5,\"attributes\":{\"comment\":\"<script>\"}}]")))));

    Http.Reply replied = erin.send("POST", comments(doc) + "/" + t + "/replies", "{\"body\":\"This one.\"}");
    assertEquals(201, replied.status(), replied.body());
    assertEquals(2, replied.json().get("thread").get("comments").size());
    Http.Reply resolved = carol.send("PATCH", comments(doc) + "/" + t, "{\"resolved\":true}");
    assertTrue(resolved.json().get("thread").get("resolved").asBoolean(), resolved.body());
    assertEquals("carol", resolved.json().get("thread").get("resolvedBy").get("name").asText());
    assertFalse(carol.send("PATCH", comments(doc) + "/" + t, "{\"resolved\":false}").json().get("thread").get("resolved")
        .asBoolean());
    // Removing the anchor is a commenter's op too.
    assertFalse(Msg.isError(sockets.submit(c, Msg.op(doc, v + 1, 0,
        Msg.json("[{\"retain\":6},{\"retain\":5,\"attributes\":{\"comment\":null}}]")))));
  }

  @Test
  void aViewerSeesNoCommentsAndWritesNone() {
    String t = start(carol, doc, "Hello", "Hi").json().get("thread").get("id").asText();
    assertEquals("ERR_AUTH_FORBIDDEN", dave.get(comments(doc)).errorCode());
    assertEquals("ERR_AUTH_FORBIDDEN", start(dave, doc, "Hello", "me too").errorCode());
    assertEquals("ERR_AUTH_FORBIDDEN", dave.send("POST", comments(doc) + "/" + t + "/replies", "{\"body\":\"x\"}").errorCode());
    assertEquals("ERR_AUTH_FORBIDDEN", dave.send("PATCH", comments(doc) + "/" + t, "{\"resolved\":true}").errorCode());
    WsClient c = sockets.open(dave);
    long v = Sockets.version(c, doc);
    assertEquals("ERR_QUIRE_READ_ONLY", Msg.errorCode(sockets.submit(c, Msg.op(doc, v, 0,
        Msg.json("[{\"retain\":5,\"attributes\":{\"comment\":\"" + t + "\"}}]")))));
    // Someone with no role at all: the document does not exist for them.
    assertEquals(404, carol.get(comments(other)).status());
    assertEquals(1, ann.get(comments(doc)).json().get("threads").size());
    assertEquals(0, ann.get(comments(other)).json().get("threads").size());
  }

  @Test
  void onlyItsAuthorChangesACommentAndOnlyItsAuthorOrAnOwnerRemovesIt() {
    JsonNode thread = start(carol, doc, "Hello", "First").json().get("thread");
    String t = thread.get("id").asText();
    String first = thread.get("comments").get(0).get("id").asText();
    String reply = erin.send("POST", comments(doc) + "/" + t + "/replies", "{\"body\":\"Second\"}").json()
        .get("thread").get("comments").get(1).get("id").asText();
    String path = comments(doc) + "/" + t + "/replies/";
    assertEquals("ERR_AUTH_FORBIDDEN", erin.send("PATCH", path + first, "{\"body\":\"forged\"}").errorCode());
    Http.Reply edited = carol.send("PATCH", path + first, "{\"body\":\"First, edited\"}");
    assertEquals("First, edited", edited.json().get("thread").get("comments").get(0).get("body").asText(), edited.body());
    assertTrue(edited.json().get("thread").get("comments").get(0).has("editedAt"));
    assertEquals("ERR_AUTH_FORBIDDEN", carol.send("DELETE", path + reply, null).errorCode(), "a commenter removes only their own");
    assertEquals("ERR_AUTH_FORBIDDEN", erin.send("DELETE", comments(doc) + "/" + t, null).errorCode(),
        "an editor who did not start the thread is not its owner");
    assertEquals(1, ann.send("DELETE", path + reply, null).json().get("thread").get("comments").size(), "an owner may");
    assertEquals(200, carol.send("DELETE", comments(doc) + "/" + t, null).status(), "who started it may remove the thread");
    assertEquals(0, ann.get(comments(doc)).json().get("threads").size());
    assertEquals("ERR_API_COMMENT_NOT_FOUND", carol.send("PATCH", comments(doc) + "/" + t, "{\"resolved\":true}").errorCode());
  }

  @Test
  void badCommentsAreRefusedAndAThreadOfAnotherDocumentIsNotFound() {
    String t = start(ann, other, "x", "mine").json().get("thread").get("id").asText();
    assertEquals("ERR_API_BAD_REQUEST", start(carol, doc, "Hello", " \n ").errorCode(), "blank");
    assertEquals("ERR_API_BAD_REQUEST", start(carol, doc, "Hello", "x".repeat(10_001)).errorCode(), "too long");
    assertEquals("ERR_API_BAD_REQUEST", start(carol, doc, "x".repeat(1001), "ok").errorCode(), "quote too long");
    assertEquals("ERR_API_BAD_REQUEST", start(carol, doc, "Hello", "bell\u0007").errorCode(), "control character");
    assertEquals("ERR_API_BAD_REQUEST", carol.send("POST", comments(doc), "{\"quote\":\"\",\"body\":\"half \\ud800\"}")
        .errorCode(), "lone surrogate");
    assertEquals("ERR_API_BAD_REQUEST", carol.send("POST", comments(doc), "{\"quote\":\"Hello\",\"body\":42}").errorCode());
    assertEquals("ERR_API_COMMENT_NOT_FOUND",
        carol.send("POST", comments(doc) + "/" + t + "/replies", "{\"body\":\"sneaking in\"}").errorCode(),
        "a thread of a document one cannot read does not exist here");
    assertEquals("ERR_API_COMMENT_NOT_FOUND", carol.send("PATCH", comments(doc) + "/..%2f" + t, "{\"resolved\":true}").errorCode());
    assertEquals(1, ann.get(comments(other)).json().get("threads").get(0).get("comments").size(), "unchanged");
    // Markup is text: stored and returned as it was typed, for the page to show as text.
    String markup = "<img src=x onerror=alert(1)>";
    assertEquals(markup, start(carol, doc, "Hello", markup).json().get("thread").get("comments").get(0).get("body").asText());
    // Cookie without the CSRF token: refused, nothing stored.
    Http.Reply forged = new Http(server.httpUrl()).request("POST", comments(doc), "{\"quote\":\"\",\"body\":\"csrf\"}",
        "Cookie", carol.cookieHeader(), "Origin", carol.origin, "Content-Type", "application/json");
    assertEquals("ERR_AUTH_CSRF", forged.errorCode());
    assertEquals(1, ann.get(comments(doc)).json().get("threads").size());
  }

  @Test
  void pagesWithTheDocumentOpenAreToldWhenItsCommentsChange() {
    WsClient owner = sockets.open(ann);
    Sockets.ask(owner, Msg.subscribe(doc), "s", doc);
    WsClient viewer = sockets.open(dave);
    Sockets.ask(viewer, Msg.subscribe(doc), "s", doc);
    String t = start(carol, doc, "Hello", "Hi").json().get("thread").get("id").asText();
    JsonNode notice = owner.next(m -> Agent.COMMENTS_NOTICE.equals(m.path("a").asText()));
    assertEquals(doc, notice.get("d").asText());
    carol.send("POST", comments(doc) + "/" + t + "/replies", "{\"body\":\"again\"}");
    assertEquals(doc, owner.next(m -> Agent.COMMENTS_NOTICE.equals(m.path("a").asText())).get("d").asText());
    // The viewer may not read comments, so is not told of them; its socket got everything else.
    Sockets.ask(viewer, Msg.fetch(doc), "f", doc);
    assertEquals(0, viewer.count(m -> Agent.COMMENTS_NOTICE.equals(m.path("a").asText())));
  }
}
