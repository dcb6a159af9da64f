package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.TestServer;
import dev.quire.server.testing.WsClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Document roles, checked on every REST call and every protocol message: a document of someone
 * else is invisible, a viewer changes nothing through any message, and a role changed while a
 * socket is open applies to its next message.
 */
class DocumentRolesTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir Path dir;
  private TestServer server;
  private Browser ann;
  private Browser bob;
  private Browser carol;
  private String docA; // ann's, shared with carol as viewer
  private String docB; // bob's
  private Sockets sockets;

  @BeforeEach
  void start() {
    server = TestServer.start(dir.resolve("data"), Map.of("auth", "accounts"));
    sockets = new Sockets(server.wsUrl());
    ann = new Browser(server.httpUrl()).signUp("ann", PASSWORD);
    bob = new Browser(server.httpUrl()).signUp("bob", PASSWORD);
    carol = new Browser(server.httpUrl()).signUp("carol", PASSWORD);
    docA = create(ann, "A");
    docB = create(bob, "B");
    share(ann, docA, "carol", "viewer");
  }

  @AfterEach
  void stop() {
    sockets.close();
    server.close();
  }

  private static String create(Browser b, String title) {
    Http.Reply r = b.send("POST", "/api/documents", "{\"title\":\"" + title + "\"}");
    assertEquals(201, r.status(), r.body());
    assertEquals("owner", r.json().get("document").get("role").asText());
    return r.json().get("document").get("id").asText();
  }

  private static Http.Reply share(Browser owner, String doc, String user, String role) {
    return owner.send("PUT", "/api/documents/" + doc + "/people", "{\"user\":\"" + user + "\",\"role\":\"" + role + "\"}");
  }

  private static ObjectNode presence(String doc, long v) {
    ObjectNode p = Msg.obj().put("a", "p").put("ch", "docs." + doc).put("id", "me").put("pv", 1)
        .put("c", "docs").put("d", doc).put("v", v).put("t", "rich-text");
    p.putObject("p").put("index", 0).put("length", 0);
    return p;
  }

  @Test
  void afterJoiningOneDocumentNothingOfAnotherCanBeReadWrittenOrWatched() {
    WsClient c = sockets.open(ann);
    assertFalse(Msg.isError(Sockets.ask(c, Msg.subscribe(docA), "s", docA)));
    long bVersion = Sockets.version(sockets.open(bob), docB);
    assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(Sockets.ask(c, Msg.subscribe(docB), "s", docB)));
    assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(Sockets.ask(c, Msg.fetch(docB), "f", docB)));
    assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(sockets.submit(c, Msg.insert(docB, bVersion, 0, 0, "pwned"))));
    for (String a : new String[] {"nf", "nt"}) {
      ObjectNode req = Msg.obj().put("a", a).put("id", 7).put("c", "docs").put("d", docB).putNull("v");
      assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(c.request(req, m -> a.equals(m.path("a").asText()))), a);
    }
    ObjectNode titles = Msg.insert(docB, 1, 0, 0, "pwned").put("c", "titles");
    assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(sockets.submit(c, titles)));
    ObjectNode bulk = Msg.obj().put("a", "bs").put("c", "docs");
    bulk.putArray("b").add(docA).add(docB);
    assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(c.request(bulk, m -> "bs".equals(m.path("a").asText()))));
    ObjectNode ps = Msg.obj().put("a", "ps").put("ch", "docs." + docB).put("seq", 1);
    assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(c.request(ps, m -> "ps".equals(m.path("a").asText()))));
    assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(c.request(presence(docB, bVersion),
        m -> "p".equals(m.path("a").asText()) && m.has("error"))));
    ObjectNode sideChannel = presence(docA, 1).put("ch", "docs." + docB);
    assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(c.request(sideChannel,
        m -> "p".equals(m.path("a").asText()) && m.has("error"))), "presence of A sent on B's channel");
    ObjectNode freeForm = Msg.obj().put("a", "ps").put("ch", "anything").put("seq", 2);
    assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(c.request(freeForm, m -> "ps".equals(m.path("a").asText()))));
    assertEquals(bVersion, Sockets.version(sockets.open(bob), docB), "B unchanged");
    c.assertServed();
  }

  @Test
  void aViewerChangesNothingThroughAnyMutatingMessageButSeesAndSendsPresence() {
    WsClient viewer = sockets.open(carol);
    long v = Sockets.version(viewer, docA);
    List<ObjectNode> mutations = List.of(
        Msg.insert(docA, v, 0, 0, "edit"),
        Msg.create(docA, 0, "again"),
        Msg.obj().put("a", "op").put("c", "docs").put("d", docA).put("v", v).put("del", true),
        Msg.insert(docA, v, 0, 0, "title").put("c", "titles"),
        Msg.obj().put("a", "op").put("c", "titles").put("d", docA).put("v", 1).put("del", true));
    for (ObjectNode m : mutations) {
      assertEquals("ERR_QUIRE_READ_ONLY", Msg.errorCode(sockets.submit(viewer, m)), m.toString());
    }
    assertEquals(v, Sockets.version(sockets.open(ann), docA), "the document is unchanged");
    assertEquals("A", ann.get("/api/documents/" + docA).json().get("document").get("title").asText());
    // Presence is for viewers too: they are in the document.
    ObjectNode ps = Msg.obj().put("a", "ps").put("ch", "docs." + docA).put("seq", 1);
    assertFalse(Msg.isError(viewer.request(ps, m -> "ps".equals(m.path("a").asText()))));
    WsClient owner = sockets.open(ann);
    owner.request(Msg.obj().put("a", "ps").put("ch", "docs." + docA).put("seq", 1), m -> "ps".equals(m.path("a").asText()));
    viewer.send(presence(docA, v));
    JsonNode seen = owner.next(m -> "p".equals(m.path("a").asText()) && !m.has("error"));
    assertEquals(0, seen.get("p").get("index").asInt());
    // And over REST: a viewer may neither rename, nor delete, nor share.
    assertEquals("ERR_AUTH_FORBIDDEN", carol.send("PATCH", "/api/documents/" + docA, "{\"title\":\"x\"}").errorCode());
    assertEquals("ERR_AUTH_FORBIDDEN", carol.send("DELETE", "/api/documents/" + docA, null).errorCode());
    assertEquals("ERR_AUTH_FORBIDDEN", share(carol, docA, "bob", "editor").errorCode());
  }

  @Test
  void aRoleChangedWhileTheSocketIsOpenAppliesToItsNextOp() {
    WsClient c = sockets.open(carol);
    assertFalse(Msg.isError(Sockets.ask(c, Msg.subscribe(docA), "s", docA)));
    long v = Sockets.version(c, docA);
    assertEquals("ERR_QUIRE_READ_ONLY", Msg.errorCode(sockets.submit(c, Msg.insert(docA, v, 0, 0, "no"))));
    assertEquals(200, share(ann, docA, "carol", "editor").status());
    assertEquals("editor", c.next(m -> dev.quire.server.protocol.Agent.ROLE_NOTICE.equals(m.path("a").asText())).get("role").asText());
    assertFalse(Msg.isError(sockets.submit(c, Msg.insert(docA, v, 0, 0, "yes"))));
    assertEquals(200, share(ann, docA, "carol", "viewer").status());
    assertEquals("viewer", c.next(m -> dev.quire.server.protocol.Agent.ROLE_NOTICE.equals(m.path("a").asText()) && "viewer".equals(m.path("role").asText()))
        .get("role").asText());
    assertEquals("ERR_QUIRE_READ_ONLY", Msg.errorCode(sockets.submit(c, Msg.insert(docA, v + 1, 0, 0, "no"))));
    String carolId = carol.get("/api/auth/state").json().get("user").get("id").asText();
    assertEquals(200, ann.send("DELETE", "/api/documents/" + docA + "/people/" + carolId, null).status());
    assertEquals(4403, c.awaitClose(), "no access at all: the socket that had it open is closed");
    WsClient again = sockets.open(carol);
    assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(Sockets.ask(again, Msg.subscribe(docA), "s", docA)));
    assertEquals(404, carol.get("/api/documents/" + docA).status());
  }

  @Test
  void everyoneListsOnlyTheirOwnAndSharedDocumentsWithTheirRole() {
    JsonNode carols = carol.get("/api/documents").json().get("documents");
    assertEquals(1, carols.size());
    assertEquals(docA, carols.get(0).get("id").asText());
    assertEquals("viewer", carols.get(0).get("role").asText());
    JsonNode bobs = bob.get("/api/documents").json().get("documents");
    assertEquals(1, bobs.size());
    assertEquals(docB, bobs.get(0).get("id").asText());
    assertEquals(404, ann.get("/api/documents/" + docB).status(), "another's document is not even said to exist");
    assertEquals(404, ann.send("DELETE", "/api/documents/" + docB, null).status());
    assertTrue(bob.get("/api/documents/" + docB).json().get("document").get("deletedAt").isNull());
  }

  @Test
  void peopleAreListedWithTheirRolesAndADocumentKeepsAnOwner() {
    JsonNode people = carol.get("/api/documents/" + docA + "/people").json().get("people");
    assertEquals(2, people.size());
    List<String> names = new ArrayList<>();
    people.forEach(p -> names.add(p.get("name").asText() + ":" + p.get("role").asText()));
    assertEquals(List.of("ann:owner", "carol:viewer"), names.stream().sorted().toList());
    String annId = ann.get("/api/auth/state").json().get("user").get("id").asText();
    assertEquals("ERR_AUTH_LAST_OWNER", share(ann, docA, "ann", "viewer").errorCode());
    assertEquals("ERR_AUTH_LAST_OWNER", ann.send("DELETE", "/api/documents/" + docA + "/people/" + annId, null).errorCode());
    assertEquals("ERR_AUTH_USER_NOT_FOUND", share(ann, docA, "nobody", "viewer").errorCode());
    assertEquals("ERR_API_BAD_REQUEST", share(ann, docA, "bob", "god").errorCode());
  }

  @Test
  void aShareLinkGivesItsRoleToWhoeverOpensItUntilItIsRevoked() {
    Browser dave = new Browser(server.httpUrl()).signUp("dave", PASSWORD);
    assertEquals("ERR_AUTH_FORBIDDEN", carol.send("POST", "/api/documents/" + docA + "/links", "{\"role\":\"viewer\"}")
        .errorCode(), "only owners make links");
    assertEquals("ERR_API_BAD_REQUEST", ann.send("POST", "/api/documents/" + docA + "/links", "{\"role\":\"owner\"}")
        .errorCode());
    Http.Reply made = ann.send("POST", "/api/documents/" + docA + "/links", "{\"role\":\"viewer\"}");
    assertEquals(201, made.status(), made.body());
    String secret = made.json().get("secret").asText();
    String linkId = made.json().get("link").get("id").asText();
    assertFalse(ann.get("/api/documents/" + docA + "/links").body().contains(secret), "a link's secret is shown once");
    assertEquals(404, dave.get("/api/documents/" + docA).status());
    Http.Reply opened = dave.send("POST", "/api/links/redeem", "{\"secret\":\"" + secret + "\"}");
    assertEquals(docA, opened.json().get("document").asText(), opened.body());
    assertEquals("viewer", dave.get("/api/documents/" + docA).json().get("document").get("role").asText());
    WsClient c = sockets.open(dave);
    long v = Sockets.version(c, docA);
    assertFalse(Msg.isError(Sockets.ask(c, Msg.subscribe(docA), "s", docA)));
    assertEquals("ERR_QUIRE_READ_ONLY", Msg.errorCode(sockets.submit(c, Msg.insert(docA, v, 0, 0, "no"))));
    assertEquals(200, ann.send("DELETE", "/api/documents/" + docA + "/links/" + linkId, null).status());
    assertEquals(4403, c.awaitClose(), "revoking the link takes the access it gave, on open sockets too");
    assertEquals(404, dave.get("/api/documents/" + docA).status());
    assertEquals(0, dave.get("/api/documents").json().get("documents").size());
    assertEquals("ERR_AUTH_LINK_NOT_FOUND", dave.send("POST", "/api/links/redeem", "{\"secret\":\"" + secret + "\"}").errorCode());
    String edit = ann.send("POST", "/api/documents/" + docA + "/links", "{\"role\":\"editor\"}").json().get("secret").asText();
    dave.send("POST", "/api/links/redeem", "{\"secret\":\"" + edit + "\"}");
    WsClient editor = sockets.open(dave);
    assertFalse(Msg.isError(sockets.submit(editor, Msg.insert(docA, Sockets.version(editor, docA), 0, 0, "yes"))));
  }
}
