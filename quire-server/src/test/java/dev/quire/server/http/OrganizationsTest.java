package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.protocol.Agent;
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
 * Organizations: a document's general access reaches the members of its organization and nobody
 * else, an organization's owners and admins see no document from that alone, only they manage
 * members, an organization keeps an owner, sharing across organizations goes through the
 * document's own roles, and a membership or general access taken away applies to open sockets at
 * once.
 */
class OrganizationsTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir Path dir;
  private TestServer server;
  private Browser ann; // owner of Acme
  private Browser bob; // member of Acme
  private Browser carol; // not in Acme
  private String acme;
  private Sockets sockets;

  /** The server's settings: the embedded store here, PostgreSQL in {@link PostgresOrganizationsTest}. */
  protected Map<String, String> settings() throws Exception {
    return Map.of("auth", "accounts");
  }

  /** Runs after each test's server has stopped. */
  protected void stopped() throws Exception {}

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(dir.resolve("data"), settings());
    sockets = new Sockets(server.wsUrl());
    ann = new Browser(server.httpUrl()).signUp("ann", PASSWORD);
    bob = new Browser(server.httpUrl()).signUp("bob", PASSWORD);
    carol = new Browser(server.httpUrl()).signUp("carol", PASSWORD);
    Http.Reply made = ann.send("POST", "/api/organizations", "{\"name\":\"Acme\"}");
    assertEquals(201, made.status(), made.body());
    assertEquals("owner", made.json().get("organization").get("role").asText());
    acme = made.json().get("organization").get("id").asText();
    assertEquals(201, addMember(ann, "bob", "member").status());
  }

  @AfterEach
  void stop() throws Exception {
    sockets.close();
    server.close();
    stopped();
  }

  private Http.Reply addMember(Browser by, String who, String role) {
    return by.send("POST", "/api/organizations/" + acme + "/members", "{\"user\":\"" + who + "\",\"role\":\"" + role + "\"}");
  }

  private static String create(Browser b, String title, String org) {
    Http.Reply r = b.send("POST", "/api/documents", "{\"title\":\"" + title + "\",\"org\":\"" + org + "\"}");
    assertEquals(201, r.status(), r.body());
    assertEquals(org, r.json().get("document").get("org").asText());
    return r.json().get("document").get("id").asText();
  }

  private static Http.Reply generalAccess(Browser b, String doc, String access) {
    return b.send("PUT", "/api/documents/" + doc + "/access", "{\"generalAccess\":\"" + access + "\"}");
  }

  private static String userId(Browser b) {
    return b.get("/api/auth/state").json().get("user").get("id").asText();
  }

  private static List<String> listed(Browser b, String query) {
    List<String> ids = new ArrayList<>();
    b.get("/api/documents" + query).json().get("documents").forEach(d -> ids.add(d.get("id").asText()));
    return ids;
  }

  private static JsonNode roleNotice(WsClient c, String role) {
    return c.next(m -> Agent.ROLE_NOTICE.equals(m.path("a").asText()) && role.equals(m.path("role").asText()));
  }

  @Test
  void membersSeeOrganizationDocumentsPerGeneralAccessAndNonMembersDoNot() {
    String plan = create(ann, "Plan", acme);
    assertEquals(404, bob.get("/api/documents/" + plan).status(), "general access is none by default");
    assertEquals(List.of(), listed(bob, ""));
    assertEquals(200, generalAccess(ann, plan, "viewer").status());
    JsonNode seen = bob.get("/api/documents/" + plan).json().get("document");
    assertEquals("viewer", seen.get("role").asText());
    assertEquals(List.of(plan), listed(bob, ""));
    assertEquals(List.of(plan), listed(bob, "?org=" + acme));
    assertEquals(List.of(), listed(bob, "?org=default"));
    WsClient b = sockets.open(bob);
    assertEquals("ERR_QUIRE_READ_ONLY", Msg.errorCode(sockets.submit(b, Msg.insert(plan, Sockets.version(b, plan), 0, 0, "no"))));
    // Carol is in no organization with the document: nothing, through REST or the protocol.
    assertEquals(404, carol.get("/api/documents/" + plan).status());
    assertEquals(List.of(), listed(carol, ""));
    WsClient c = sockets.open(carol);
    assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(c.request(Msg.fetch(plan), Msg.replyTo("f", plan))));
    assertEquals(200, generalAccess(ann, plan, "editor").status());
    assertFalse(Msg.isError(sockets.submit(b, Msg.insert(plan, Sockets.version(b, plan), 0, 0, "yes"))));
    JsonNode people = bob.get("/api/documents/" + plan + "/people").json();
    assertEquals("editor", people.get("generalAccess").asText());
    assertEquals("Acme", people.get("organization").get("name").asText());
    assertEquals(1, people.get("people").size(), "general access gives no one a place in the document's own list");
  }

  @Test
  void anOrganizationsOwnersAndAdminsCannotReadAPrivateDocument() {
    assertEquals(200, ann.send("PATCH", "/api/organizations/" + acme + "/members/" + userId(bob), "{\"role\":\"admin\"}")
        .status());
    String bobs = create(bob, "Bob's diary", acme);
    String anns = create(ann, "Ann's diary", acme);
    assertEquals(404, ann.get("/api/documents/" + bobs).status(), "the organization's owner");
    assertEquals(404, bob.get("/api/documents/" + anns).status(), "an organization's admin");
    assertEquals(404, ann.get("/api/documents/" + bobs + "/people").status());
    assertEquals(404, generalAccess(ann, bobs, "editor").status());
    assertEquals(List.of(anns), listed(ann, ""));
    WsClient a = sockets.open(ann);
    assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(a.request(Msg.subscribe(bobs), Msg.replyTo("s", bobs))));
    assertEquals("ERR_API_BAD_REQUEST", generalAccess(bob, bobs, "owner").errorCode(), "general access never owns");
    assertEquals("none", bob.get("/api/documents/" + bobs).json().get("document").get("generalAccess").asText());
  }

  @Test
  void onlyOwnersAndAdminsManageMembersAndTheLastOwnerStays() {
    String annId = userId(ann);
    String bobId = userId(bob);
    String carolId = userId(carol);
    String members = "/api/organizations/" + acme + "/members";
    assertEquals("ERR_AUTH_FORBIDDEN", addMember(bob, "carol", "member").errorCode(), "a member adds nobody");
    assertEquals("ERR_AUTH_FORBIDDEN", bob.send("PATCH", members + "/" + bobId, "{\"role\":\"owner\"}").errorCode());
    assertEquals("ERR_AUTH_FORBIDDEN", bob.send("PATCH", "/api/organizations/" + acme, "{\"name\":\"Mine\"}").errorCode());
    assertEquals("ERR_API_ORG_NOT_FOUND", carol.get(members).errorCode(), "a non-member is not told it exists");
    assertEquals("ERR_API_ORG_NOT_FOUND", addMember(carol, "carol", "owner").errorCode());
    assertEquals(2, ann.get(members).json().get("members").size(), "nothing changed");
    // An admin manages members, but makes or unmakes no owner.
    assertEquals(200, ann.send("PATCH", members + "/" + bobId, "{\"role\":\"admin\"}").status());
    assertEquals("ERR_AUTH_FORBIDDEN", addMember(bob, "carol", "owner").errorCode());
    assertEquals(201, addMember(bob, "carol", "member").status());
    assertEquals("ERR_AUTH_ALREADY_MEMBER", addMember(bob, "carol", "admin").errorCode());
    assertEquals("ERR_AUTH_FORBIDDEN", bob.send("DELETE", members + "/" + annId, null).errorCode());
    assertEquals("ERR_AUTH_FORBIDDEN", bob.send("PATCH", members + "/" + annId, "{\"role\":\"member\"}").errorCode());
    assertEquals(200, bob.send("DELETE", members + "/" + carolId, null).status());
    assertEquals(200, bob.send("PATCH", "/api/organizations/" + acme, "{\"name\":\"Acme Inc\"}").status());
    // The last owner can neither leave nor step down; with a second owner, they can.
    assertEquals("ERR_AUTH_LAST_OWNER", ann.send("DELETE", members + "/" + annId, null).errorCode());
    assertEquals("ERR_AUTH_LAST_OWNER", ann.send("PATCH", members + "/" + annId, "{\"role\":\"admin\"}").errorCode());
    assertEquals(200, ann.send("PATCH", members + "/" + bobId, "{\"role\":\"owner\"}").status());
    assertEquals(200, ann.send("DELETE", members + "/" + annId, null).status(), "anyone may leave");
    assertEquals("ERR_API_ORG_NOT_FOUND", ann.get(members).errorCode());
    JsonNode left = bob.get(members).json().get("members");
    assertEquals(1, left.size());
    assertEquals("owner", left.get(0).get("role").asText());
    assertEquals("ERR_API_BAD_REQUEST", addMember(bob, "carol", "god").errorCode());
    assertEquals("ERR_AUTH_USER_NOT_FOUND", addMember(bob, "nobody", "member").errorCode());
    JsonNode mine = bob.get("/api/organizations").json().get("organizations");
    assertEquals(List.of("Acme Inc:owner", "Default:member"), names(mine));
  }

  private static List<String> names(JsonNode orgs) {
    List<String> out = new ArrayList<>();
    orgs.forEach(o -> out.add(o.get("name").asText() + ":" + o.get("role").asText()));
    return out;
  }

  @Test
  void sharingWithSomeoneOfAnotherOrganizationWorksThroughTheDocumentsRoles() {
    String plan = create(ann, "Plan", acme);
    assertEquals(200, ann.send("PUT", "/api/documents/" + plan + "/people", "{\"user\":\"carol\",\"role\":\"editor\"}")
        .status());
    assertEquals("editor", carol.get("/api/documents/" + plan).json().get("document").get("role").asText());
    WsClient c = sockets.open(carol);
    assertFalse(Msg.isError(sockets.submit(c, Msg.insert(plan, Sockets.version(c, plan), 0, 0, "from outside"))));
    assertEquals(404, bob.get("/api/documents/" + plan).status(), "a member of Acme still sees nothing of it");
  }

  @Test
  void aDocumentGoesIntoAnOrganizationOfOnesOwnAndNowhereElse() {
    int before = listed(ann, "").size();
    Http.Reply refused = carol.send("POST", "/api/documents", "{\"title\":\"Sneaky\",\"org\":\"" + acme + "\"}");
    assertEquals("ERR_API_ORG_NOT_FOUND", refused.errorCode());
    for (String odd : new String[] {"../default", "default\\u0000", "DEFAULT", "nope", ""}) {
      assertEquals("ERR_API_ORG_NOT_FOUND", carol.send("POST", "/api/documents", "{\"org\":\"" + odd + "\"}").errorCode(), odd);
    }
    assertEquals("ERR_API_ORG_NOT_FOUND", carol.send("POST", "/api/documents", "{\"org\":7}").errorCode());
    assertEquals(List.of(), listed(carol, ""));
    assertEquals(before, listed(ann, "").size());
    // Without "org": the default organization for those in it, else the first of theirs by name.
    String plain = carol.send("POST", "/api/documents", "{\"title\":\"Mine\"}").json().get("document").get("org").asText();
    assertEquals("default", plain);
    assertEquals(200, carol.send("DELETE", "/api/organizations/default/members/" + userId(carol), null).status());
    carol.send("POST", "/api/organizations", "{\"name\":\"zeta\"}");
    String beta = carol.send("POST", "/api/organizations", "{\"name\":\"Beta\"}").json().get("organization").get("id").asText();
    assertEquals(beta, carol.send("POST", "/api/documents", "{}").json().get("document").get("org").asText());
  }

  @Test
  void removingAMemberOrLoweringGeneralAccessRefusesTheirNextOpOnAnOpenSocket() {
    String plan = create(ann, "Plan", acme);
    assertEquals(200, generalAccess(ann, plan, "editor").status());
    WsClient b = sockets.open(bob);
    assertFalse(Msg.isError(b.request(Msg.subscribe(plan), Msg.replyTo("s", plan))));
    long v = Sockets.version(b, plan);
    assertFalse(Msg.isError(sockets.submit(b, Msg.insert(plan, v, 0, 0, "a"))));
    assertEquals(200, generalAccess(ann, plan, "viewer").status());
    roleNotice(b, "viewer");
    assertEquals("ERR_QUIRE_READ_ONLY", Msg.errorCode(sockets.submit(b, Msg.insert(plan, v + 1, 0, 0, "b"))));
    assertEquals(200, generalAccess(ann, plan, "editor").status());
    roleNotice(b, "editor");
    assertFalse(Msg.isError(sockets.submit(b, Msg.insert(plan, v + 1, 0, 0, "c"))));
    assertEquals(200, ann.send("DELETE", "/api/organizations/" + acme + "/members/" + userId(bob), null).status());
    assertEquals(4403, b.awaitClose(), "no access left: the socket that had the document open is closed");
    WsClient again = sockets.open(bob);
    assertEquals("ERR_QUIRE_FORBIDDEN", Msg.errorCode(again.request(Msg.fetch(plan), Msg.replyTo("f", plan))));
    assertEquals(404, bob.get("/api/documents/" + plan).status());
    assertEquals(v + 2, Sockets.version(sockets.open(ann), plan), "the refused op changed nothing");
    // None at all: members lose it too.
    assertEquals(201, addMember(ann, "bob", "member").status());
    WsClient back = sockets.open(bob);
    assertFalse(Msg.isError(back.request(Msg.subscribe(plan), Msg.replyTo("s", plan))), "a member again");
    assertEquals(200, generalAccess(ann, plan, "none").status());
    assertEquals(4403, back.awaitClose());
  }

  @Test
  void theNewCallsThatChangeThingsNeedTheCsrfToken() {
    String plan = create(ann, "Plan", acme);
    Http http = new Http(server.httpUrl());
    String members = "/api/organizations/" + acme + "/members";
    String[][] forged = {
        {"POST", "/api/organizations", "{\"name\":\"Forged\"}"},
        {"PATCH", "/api/organizations/" + acme, "{\"name\":\"Forged\"}"},
        {"POST", members, "{\"user\":\"carol\",\"role\":\"owner\"}"},
        {"PATCH", members + "/" + userId(bob), "{\"role\":\"owner\"}"},
        {"DELETE", members + "/" + userId(bob), null},
        {"PUT", "/api/documents/" + plan + "/access", "{\"generalAccess\":\"editor\"}"},
    };
    for (String[] f : forged) {
      Http.Reply r = http.request(f[0], f[1], f[2], "Cookie", ann.cookieHeader());
      assertEquals("ERR_AUTH_CSRF", r.errorCode(), f[0] + " " + f[1]);
    }
    assertEquals(List.of("Acme:owner", "Default:member"), names(ann.get("/api/organizations").json().get("organizations")));
    JsonNode ms = ann.get(members).json().get("members");
    assertEquals(2, ms.size());
    ms.forEach(m -> assertFalse(m.get("role").asText().equals("owner") && m.get("name").asText().equals("bob")));
    assertEquals("none", ann.get("/api/documents/" + plan).json().get("document").get("generalAccess").asText());
  }

  @Test
  void oddOrganizationAndMemberIdsAreRefused() {
    create(ann, "Plan", acme);
    for (String id : new String[] {"..", "..%2F..%2Fetc", "%2e%2e", "%E2%80%AE" + acme, "%c0%ae%c0%ae",
        acme.toUpperCase().equals(acme) ? acme.toLowerCase() : acme.toUpperCase(), "\u0430" + acme.substring(1)}) {
      Http.Reply r = ann.get("/api/organizations/" + id + "/members");
      assertTrue(r.status() == 404 || r.status() == 400, id + ": " + r.status());
      Http.Reply m = ann.send("DELETE", "/api/organizations/" + acme + "/members/" + id, null);
      assertTrue(m.status() == 404 || m.status() == 400, id + ": " + m.status());
      // A look-alike of the right shape is another organization: nothing of Acme's is listed.
      Http.Reply l = ann.get("/api/documents?org=" + id);
      assertTrue(l.status() == 404 || l.status() == 400 || l.json().get("documents").isEmpty(), id + ": " + l.body());
    }
    assertEquals("ERR_API_BAD_REQUEST", ann.send("POST", "/api/organizations", "{\"name\":\"  \"}").errorCode());
    assertEquals("ERR_API_BAD_REQUEST", ann.send("POST", "/api/organizations", "{\"name\":\"a\\u0000b\"}").errorCode());
    assertEquals("ERR_API_BAD_REQUEST", ann.send("POST", "/api/organizations", "{\"name\":\"" + "x".repeat(101) + "\"}")
        .errorCode());
    assertEquals(2, ann.get("/api/organizations").json().get("organizations").size(), "nothing was created");
  }
}
