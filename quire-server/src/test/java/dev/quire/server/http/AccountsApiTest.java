package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.auth.Secrets;
import dev.quire.server.testing.TestServer;
import dev.quire.server.testing.WsClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accounts, sessions, tokens and the guards in front of the API and the WebSocket, on the wire. */
class AccountsApiTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(dir.resolve("data"), Map.of("auth", "accounts", "trusted-proxies", "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Browser browser() {
    return new Browser(server.httpUrl());
  }

  private URI ws() {
    return URI.create(server.wsUrl());
  }

  private WsClient socket(Browser b) {
    return WsClient.open(ws(), Map.of("Cookie", b.cookieHeader(), "Origin", b.origin)).handshake(null);
  }

  @Test
  void theOneTimeSetUpLinkCreatesTheAdministratorOnceAndOnlyOnce() {
    String link = server.server().setupLink().orElseThrow();
    String secret = link.substring(link.indexOf('#') + 1);
    assertTrue(link.startsWith(server.httpUrl() + "/setup#"), link);
    Browser admin = browser();
    assertTrue(admin.get("/api/auth/state").json().get("setupPending").asBoolean());
    Http.Reply r = admin.send("POST", "/api/auth/setup",
        "{\"secret\":\"" + secret + "\",\"name\":\"root\",\"password\":\"" + PASSWORD + "\"}");
    assertEquals(200, r.status(), r.body());
    assertTrue(r.json().get("user").get("admin").asBoolean());
    Http.Reply again = browser().send("POST", "/api/auth/setup",
        "{\"secret\":\"" + secret + "\",\"name\":\"root2\",\"password\":\"" + PASSWORD + "\"}");
    assertEquals("ERR_AUTH_SETUP_DONE", again.errorCode());
    assertFalse(browser().get("/api/auth/state").json().get("setupPending").asBoolean());
    assertEquals("root", admin.get("/api/auth/state").json().get("user").get("name").asText());
  }

  @Test
  void aSessionCookieIsHttpOnlyLaxAndSecureExceptOnPlainHttpLocalhost() {
    Browser local = browser();
    Http.Reply r = local.send("POST", "/api/auth/signup", "{\"name\":\"ann\",\"password\":\"" + PASSWORD + "\"}");
    String cookie = Browser.setCookies(r).get(0);
    assertTrue(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Lax") && cookie.contains("; Path=/"), cookie);
    assertFalse(cookie.contains("Secure"), "plain http on 127.0.0.1: " + cookie);
    assertFalse(r.body().contains(cookie.substring(Guard.COOKIE.length() + 1, cookie.indexOf(';'))),
        "the session id is never in a body a script could read");
    // Behind a trusted proxy that terminated TLS: Secure.
    Http.Reply viaProxy = new Http(server.httpUrl()).request("POST", "/api/auth/login",
        "{\"name\":\"ann\",\"password\":\"" + PASSWORD + "\"}", "X-Forwarded-Proto", "https");
    assertTrue(Browser.setCookies(viaProxy).get(0).contains("; Secure"), Browser.setCookies(viaProxy).toString());
  }

  @Test
  void withoutASessionTheApiAndTheWebSocketAreClosed() {
    Http.Reply r = browser().get("/api/documents");
    assertEquals(401, r.status());
    assertEquals("ERR_AUTH_NOT_SIGNED_IN", r.errorCode());
    assertEquals("no-store", r.header("Cache-Control"));
    assertThrows(CompletionException.class, () -> WsClient.open(ws(), Map.of()));
    String forged = Secrets.random();
    assertThrows(CompletionException.class, () -> WsClient.open(ws(), Map.of("Cookie", Guard.COOKIE + "=" + forged)));
    Browser ann = browser().signUp("ann", PASSWORD);
    assertEquals(200, ann.get("/api/documents").status());
    try (WsClient c = socket(ann)) {
      assertNotNull(c.src());
    }
  }

  @Test
  void loginAlwaysGivesANewSessionIdSoAPlantedOneIsUseless() {
    browser().signUp("ann", PASSWORD);
    Browser victim = browser();
    String planted = Secrets.random();
    victim.cookie = planted;
    victim.logIn("ann", PASSWORD);
    assertNotEquals(planted, victim.cookie);
    Browser attacker = browser();
    attacker.cookie = planted;
    assertEquals(401, attacker.get("/api/documents").status());
    assertEquals(200, victim.get("/api/documents").status());
  }

  @Test
  void logoutEndsTheSessionAndClosesItsWebSocketsAtOnce() {
    Browser ann = browser().signUp("ann", PASSWORD);
    String old = ann.cookie;
    WsClient c = socket(ann);
    assertEquals(200, ann.send("POST", "/api/auth/logout", "{}").status());
    assertEquals(4401, c.awaitClose());
    Browser stale = browser();
    stale.cookie = old;
    assertEquals(401, stale.get("/api/documents").status());
  }

  @Test
  void aPasswordChangeEndsEverySessionOfThePersonAndKeepsTheBrowserThatAsked() {
    browser().signUp("ann", PASSWORD);
    Browser laptop = browser().logIn("ann", PASSWORD);
    Browser phone = browser().logIn("ann", PASSWORD);
    WsClient phoneSocket = socket(phone);
    Http.Reply wrong = laptop.send("POST", "/api/auth/password", "{\"current\":\"nope nope nope\",\"password\":\"another long one\"}");
    assertEquals("ERR_AUTH_BAD_CREDENTIALS", wrong.errorCode());
    Http.Reply r = laptop.send("POST", "/api/auth/password",
        "{\"current\":\"" + PASSWORD + "\",\"password\":\"another long one\"}");
    assertEquals(200, r.status(), r.body());
    assertEquals(4401, phoneSocket.awaitClose());
    assertEquals(401, phone.get("/api/documents").status());
    assertEquals(200, laptop.get("/api/documents").status());
    assertEquals("ERR_AUTH_BAD_CREDENTIALS",
        browser().send("POST", "/api/auth/login", "{\"name\":\"ann\",\"password\":\"" + PASSWORD + "\"}").errorCode());
    browser().logIn("ann", "another long one");
  }

  @Test
  void aStateChangingRequestWithTheCookieButWithoutTheCsrfTokenChangesNothing() {
    Browser ann = browser().signUp("ann", PASSWORD);
    Http.Reply made = ann.send("POST", "/api/documents", "{\"title\":\"Mine\"}");
    assertEquals(201, made.status(), made.body());
    String id = made.json().get("document").get("id").asText();
    Http http = new Http(server.httpUrl());
    // A forged request: the browser adds the cookie, but the page cannot know the token.
    Http.Reply create = http.request("POST", "/api/documents", "{\"title\":\"Forged\"}", "Cookie", ann.cookieHeader());
    assertEquals(403, create.status());
    assertEquals("ERR_AUTH_CSRF", create.errorCode());
    Http.Reply delete = http.request("DELETE", "/api/documents/" + id, null, "Cookie", ann.cookieHeader(),
        Guard.CSRF_HEADER, "0".repeat(64));
    assertEquals("ERR_AUTH_CSRF", delete.errorCode());
    browser().signUp("bob", PASSWORD);
    Http.Reply shareForged = http.request("PUT", "/api/documents/" + id + "/people", "{\"user\":\"bob\",\"role\":\"owner\"}",
        "Cookie", ann.cookieHeader());
    assertEquals("ERR_AUTH_CSRF", shareForged.errorCode());
    assertEquals(1, ann.get("/api/documents/" + id + "/people").json().get("people").size(), "not shared");
    Http.Reply fromElsewhere = http.request("DELETE", "/api/documents/" + id, null, "Cookie", ann.cookieHeader(),
        Guard.CSRF_HEADER, ann.csrf, "Origin", "https://evil.example");
    assertEquals("ERR_AUTH_ORIGIN_REFUSED", fromElsewhere.errorCode());
    assertTrue(ann.get("/api/documents/" + id).json().get("document").get("deletedAt").isNull());
    assertEquals(1, ann.get("/api/documents").json().get("documents").size());
  }

  @Test
  void aWebSocketUpgradeFromAForeignOriginCarryingTheVictimsCookieIsRefused() {
    Browser ann = browser().signUp("ann", PASSWORD);
    for (String origin : new String[] {"https://evil.example", "null", "http://127.0.0.1.evil.example",
        "http://127.0.0.1:1"}) {
      assertThrows(CompletionException.class,
          () -> WsClient.open(ws(), Map.of("Cookie", ann.cookieHeader(), "Origin", origin)), origin);
    }
    try (WsClient c = socket(ann)) {
      assertNotNull(c.src(), "the server's own origin is allowed");
    }
  }

  @Test
  void repeatedWrongPasswordsAreThrottledEvenWhenTheRightOneFollows() {
    browser().signUp("ann", PASSWORD);
    for (int i = 0; i < 5; i++) {
      assertEquals("ERR_AUTH_BAD_CREDENTIALS",
          browser().send("POST", "/api/auth/login", "{\"name\":\"ann\",\"password\":\"guess number " + i + "\"}").errorCode());
    }
    Http.Reply r = browser().send("POST", "/api/auth/login", "{\"name\":\"ANN\",\"password\":\"" + PASSWORD + "\"}");
    assertEquals(429, r.status());
    assertEquals("ERR_AUTH_THROTTLED", r.errorCode());
  }

  @Test
  void anUnknownNameAndAWrongPasswordGetTheSameAnswer() {
    browser().signUp("ann", PASSWORD);
    Http.Reply unknown = browser().send("POST", "/api/auth/login", "{\"name\":\"nobody\",\"password\":\"" + PASSWORD + "\"}");
    Http.Reply wrong = browser().send("POST", "/api/auth/login", "{\"name\":\"ann\",\"password\":\"wrong password\"}");
    assertEquals(unknown.status(), wrong.status());
    assertEquals(unknown.body(), wrong.body());
  }

  @Test
  void namesThatLookAlikeOrCarryMarkupAreRefusedAtSignUp() {
    for (String name : new String[] {"<script>alert(1)</script>", "аnn" /* Cyrillic a */, "ann\u0000", "../ann",
        "ann\u200b", ""}) {
      Http.Reply r = browser().send("POST", "/api/auth/signup",
          "{\"name\":" + WsClient.JSON.valueToTree(name) + ",\"password\":\"" + PASSWORD + "\"}");
      assertEquals("ERR_API_BAD_REQUEST", r.errorCode(), name);
    }
    browser().signUp("ann", PASSWORD);
    assertEquals("ERR_AUTH_NAME_TAKEN", browser().send("POST", "/api/auth/signup",
        "{\"name\":\"ANN\",\"password\":\"" + PASSWORD + "\"}").errorCode());
  }

  @Test
  void apiTokensWorkAsBearerOnRestAndWebSocketUntilRevoked() {
    Browser ann = browser().signUp("ann", PASSWORD);
    Http.Reply made = ann.send("POST", "/api/tokens", "{\"name\":\"ci\"}");
    assertEquals(201, made.status(), made.body());
    String secret = made.json().get("secret").asText();
    String id = made.json().get("token").get("id").asText();
    assertTrue(made.json().get("token").get("expiresAt").isNull(), "without expiresInDays: until revoked");
    Http.Reply expiring = ann.send("POST", "/api/tokens", "{\"name\":\"short\",\"expiresInDays\":7}");
    assertEquals(7L * 24 * 3600 * 1000, expiring.json().get("token").get("expiresAt").asLong()
        - expiring.json().get("token").get("createdAt").asLong());
    for (String bad : new String[] {"0", "3651", "1.5", "\"7\""}) {
      assertEquals("ERR_API_BAD_REQUEST", ann.send("POST", "/api/tokens", "{\"name\":\"x\",\"expiresInDays\":" + bad + "}")
          .errorCode(), bad);
    }
    ann.send("DELETE", "/api/tokens/" + expiring.json().get("token").get("id").asText(), null);
    assertEquals(id, ann.get("/api/tokens").json().get("tokens").get(0).get("id").asText());
    assertFalse(ann.get("/api/tokens").body().contains(secret), "a token is shown once");
    Http http = new Http(server.httpUrl());
    Http.Reply created = http.request("POST", "/api/documents", "{\"title\":\"By a program\"}", "Authorization", "Bearer " + secret);
    assertEquals(201, created.status(), "no CSRF token needed: a Bearer token is not sent by browsers on their own");
    WsClient program = WsClient.open(ws(), Map.of("Authorization", "Bearer " + secret)).handshake(null);
    assertEquals(200, ann.send("DELETE", "/api/tokens/" + id, null).status());
    assertEquals(4401, program.awaitClose());
    Http.Reply after = http.request("GET", "/api/documents", null, "Authorization", "Bearer " + secret);
    assertEquals(401, after.status());
    assertEquals("ERR_AUTH_BAD_TOKEN", after.errorCode());
    assertThrows(CompletionException.class, () -> WsClient.open(ws(), Map.of("Authorization", "Bearer " + secret)));
  }

  @Test
  void metricsAreForAdministratorsOnly() {
    String link = server.server().setupLink().orElseThrow();
    Browser admin = browser();
    assertEquals(200, admin.send("POST", "/api/auth/setup", "{\"secret\":\"" + link.substring(link.indexOf('#') + 1)
        + "\",\"name\":\"root\",\"password\":\"" + PASSWORD + "\"}").status());
    Browser ann = browser().signUp("ann", PASSWORD);
    Http http = new Http(server.httpUrl());
    Http.Reply anonymous = http.request("GET", "/metrics", null);
    assertEquals(401, anonymous.status());
    assertEquals("ERR_AUTH_NOT_SIGNED_IN", anonymous.errorCode());
    assertFalse(anonymous.body().contains("quire_"), anonymous.body());
    Http.Reply notAdmin = ann.get("/metrics");
    assertEquals(403, notAdmin.status());
    assertEquals("ERR_AUTH_FORBIDDEN", notAdmin.errorCode());
    assertEquals("ERR_AUTH_BAD_TOKEN", http.request("GET", "/metrics", null, "Authorization", "Bearer nonsense").errorCode());
    assertTrue(admin.get("/metrics").body().contains("quire_connections"), "the administrator's browser may read them");
    String token = admin.send("POST", "/api/tokens", "{\"name\":\"prometheus\"}").json().get("secret").asText();
    Http.Reply scraper = http.request("GET", "/metrics", null, "Authorization", "Bearer " + token);
    assertEquals(200, scraper.status());
    assertTrue(scraper.body().contains("quire_connections"), scraper.body());
    assertEquals("no-store", scraper.header("Cache-Control"));
  }

  @Test
  void theApiIsRateLimitedPerClientAddressAndPerPersonWhateverTheirAddress() {
    server.close();
    server = TestServer.start(dir.resolve("limited"), Map.of("auth", "accounts", "trusted-proxies", "127.0.0.1",
        "api-rate-limit", "0.1", "api-rate-burst", "5"));
    Http http = new Http(server.httpUrl());
    for (int i = 0; i < 5; i++) {
      assertEquals(200, http.request("GET", "/api/auth/state", null, "X-Forwarded-For", "10.0.0.1").status());
    }
    Http.Reply limited = http.request("GET", "/api/auth/state", null, "X-Forwarded-For", "10.0.0.1");
    assertEquals(429, limited.status());
    assertEquals("ERR_API_RATE_LIMITED", limited.errorCode());
    assertEquals(200, http.request("GET", "/api/auth/state", null, "X-Forwarded-For", "10.0.0.2").status(),
        "another address has its own bucket");

    Browser ann = browser().signUp("ann", PASSWORD); // from 127.0.0.1 itself
    String cookie = ann.cookieHeader();
    for (int i = 0; i < 5; i++) {
      assertEquals(200, http.request("GET", "/api/tokens", null, "Cookie", cookie, "X-Forwarded-For", "10.1.0." + i).status());
    }
    Http.Reply person = http.request("GET", "/api/tokens", null, "Cookie", cookie, "X-Forwarded-For", "10.1.0.9");
    assertEquals("ERR_API_RATE_LIMITED", person.errorCode(), "a fresh address does not refill a person's bucket");
  }

  @Test
  void signUpCanBeTurnedOff() {
    server.close();
    server = TestServer.start(dir.resolve("data2"), Map.of("auth", "accounts", "signup", "false"));
    Http.Reply r = browser().send("POST", "/api/auth/signup", "{\"name\":\"ann\",\"password\":\"" + PASSWORD + "\"}");
    assertEquals(403, r.status());
    assertEquals("ERR_AUTH_SIGNUP_CLOSED", r.errorCode());
    assertFalse(browser().get("/api/auth/state").json().get("signup").asBoolean());
  }

  @Test
  void securityHeadersAreOnEveryAnswer() {
    Http.Reply api = browser().get("/api/auth/state");
    assertEquals("no-store", api.header("Cache-Control"));
    assertEquals("nosniff", api.header("X-Content-Type-Options"));
    assertEquals("no-referrer", api.header("Referrer-Policy"));
    assertTrue(api.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
    assertNull(api.json().get("user").textValue());
    Http.Reply page = browser().get("/");
    assertEquals("nosniff", page.header("X-Content-Type-Options"));
    assertEquals("DENY", page.header("X-Frame-Options"));
    assertEquals("no-referrer", page.header("Referrer-Policy"));
  }
}
