package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.TestServer;
import dev.quire.server.testing.WsClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on a collaborative editor with accounts, each with its safe outcome: stored script
 * through links, embeds and attribute names; odd and traversing ids; forged sources and authors.
 * (Sessions, CSRF, Origin and roles: AccountsApiTest and DocumentRolesTest.)
 */
class SecuritySuiteTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir Path dir;
  private TestServer server;
  private Browser ann;
  private Browser mallory;
  private String doc;
  private final AtomicLong seq = new AtomicLong();
  private final List<WsClient> sockets = new ArrayList<>();

  @BeforeEach
  void start() {
    server = TestServer.start(dir.resolve("data"), Map.of("auth", "accounts", "catalog-flush", "PT0.1S"));
    ann = new Browser(server.httpUrl()).signUp("ann", PASSWORD);
    mallory = new Browser(server.httpUrl()).signUp("mallory", PASSWORD);
    doc = ann.send("POST", "/api/documents", "{\"title\":\"Shared\"}").json().get("document").get("id").asText();
    ann.send("PUT", "/api/documents/" + doc + "/people", "{\"user\":\"mallory\",\"role\":\"editor\"}");
  }

  @AfterEach
  void stop() {
    sockets.forEach(WsClient::close);
    server.close();
  }

  private WsClient socket(Browser b) {
    WsClient c = WsClient.open(URI.create(server.wsUrl()), Map.of("Cookie", b.cookieHeader(), "Origin", b.origin))
        .handshake(null);
    sockets.add(c);
    return c;
  }

  private long version(WsClient c) {
    return c.request(Msg.fetch(doc), Msg.replyTo("f", doc)).get("data").get("v").asLong();
  }

  private JsonNode submit(WsClient c, String op) {
    long s = seq.incrementAndGet();
    return c.request(Msg.op(doc, version(c), s, Msg.json(op)), Msg.ackOrError(s));
  }

  @Test
  void linksWithSchemesThatRunScriptAreRefusedByTheServer() {
    WsClient c = socket(mallory);
    long before = version(c);
    String[] hostile = {"javascript:alert(1)", " JaVa\\tScRiPt:alert(1)", "java\\nscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)",
        "&#106;avascript:alert(1)", "\\u0000javascript:alert(1)", "file:///etc/passwd", "jav&#x09;ascript:alert(1)"};
    for (String url : hostile) {
      JsonNode r = submit(c, "[{\"insert\":\"x\",\"attributes\":{\"link\":\"" + url + "\"}}]");
      assertEquals("ERR_QUIRE_CONTENT_REFUSED", Msg.errorCode(r), url);
    }
    assertEquals(before, version(c), "nothing was stored");
    for (String url : new String[] {"https://example.com/a:b", "mailto:ann@example.org", "/d/abc", "example.com"}) {
      assertFalse(Msg.isError(submit(c, "[{\"insert\":\"ok\",\"attributes\":{\"link\":\"" + url + "\"}}]")), url);
    }
  }

  @Test
  void embedsAndAttributesOutsideTheAllowListAreRefused() {
    WsClient c = socket(mallory);
    long before = version(c);
    String[] hostile = {
        "[{\"insert\":{\"image\":\"javascript:alert(1)\"}}]",
        "[{\"insert\":{\"video\":\"data:text/html,<script>alert(1)</script>\"}}]",
        "[{\"insert\":{\"iframe\":\"https://evil.example\"}}]",
        "[{\"insert\":{\"image\":{\"src\":\"x\"}}}]",
        "[{\"insert\":\"x\",\"attributes\":{\"onerror\":\"alert(1)\"}}]",
        "[{\"insert\":\"x\",\"attributes\":{\"style\":\"background:url(javascript:alert(1))\"}}]",
        "[{\"insert\":\"x\",\"attributes\":{\"bold\":{\"nested\":true}}}]",
    };
    for (String op : hostile) {
      assertEquals("ERR_QUIRE_CONTENT_REFUSED", Msg.errorCode(submit(c, op)), op);
    }
    for (String name : new String[] {"__proto__", "constructor"}) {
      JsonNode r = submit(c, "[{\"insert\":\"x\",\"attributes\":{\"" + name + "\":{}}}]");
      assertEquals("ERR_OT_OP_BADLY_FORMED", Msg.errorCode(r), name);
    }
    assertEquals(before, version(c), "nothing was stored");
    assertFalse(Msg.isError(submit(c, "[{\"insert\":{\"image\":\"data:image/png;base64,iVBORw0KGgo=\"}}]")));
    assertFalse(Msg.isError(submit(c, "[{\"insert\":\"b\",\"attributes\":{\"bold\":true,\"header\":2}}]")));
  }

  @Test
  void traversingAndOddDocumentIdsAreRefused() {
    for (String id : new String[] {"..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "a%00b", "%E2%80%AEabc", "%c0%ae%c0%ae",
        doc.toUpperCase().equals(doc) ? doc.toLowerCase() : doc.toUpperCase(), "\u0430" + doc.substring(1)}) {
      Http.Reply r = ann.get("/api/documents/" + id);
      assertTrue(r.status() == 404 || r.status() == 400, id + ": " + r.status());
    }
    WsClient c = socket(ann);
    for (String id : new String[] {"../" + doc, "a\u0000b", doc + "\u0000", "%2e%2e"}) {
      JsonNode r = c.request(Msg.fetch(id), Msg.replyTo("f", id));
      assertTrue(Msg.isError(r), id);
    }
    c.assertServed();
  }

  @Test
  void aForgedSourceOrAuthorIsIgnored() {
    WsClient a = socket(ann);
    WsClient m = socket(mallory);
    long v = version(m);
    // Mallory claims Ann's source with the seq Ann will use next, and an author field.
    ObjectNode forged = Msg.insert(doc, v, 1, 0, "M").put("src", a.src());
    forged.put("author", "ann").putObject("m").put("author", "ann");
    JsonNode ack = m.request(forged, Msg.ackOrError(1));
    assertFalse(Msg.isError(ack), ack.toString());
    assertEquals(m.src(), ack.get("src").asText(), "the op is mallory's own, whatever src it named");
    // Ann's own op with that seq is not mistaken for a duplicate.
    JsonNode annAck = a.request(Msg.insert(doc, v + 1, 1, 0, "A"), Msg.ackOrError(1));
    assertFalse(Msg.isError(annAck));
    assertEquals(v + 2, version(a), "both ops were stored");
    // A handshake claiming Ann's source gets a source of Mallory's own.
    WsClient again = WsClient.open(URI.create(server.wsUrl()), Map.of("Cookie", mallory.cookieHeader()));
    sockets.add(again);
    assertNotEquals(a.src(), again.handshake(a.src()).src());
    server.server().flushCatalog();
    assertEquals("ann", ann.get("/api/documents/" + doc).json().get("document").get("editedBy").asText());
  }
}
