package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

/**
 * One person's browser against a test server: keeps the session cookie the server sets and the
 * CSRF token it hands out, and sends both as the web app does (the cookie on every request, the
 * token on every state-changing one). {@link #origin} is what its pages' Origin header says.
 */
final class Browser {
  final Http http;
  final String origin;
  String cookie;
  String csrf;

  Browser(String base) {
    this(base, base);
  }

  Browser(String base, String origin) {
    this.http = new Http(base);
    this.origin = origin;
  }

  Http.Reply get(String path) {
    return http.request("GET", path, null, "Cookie", cookieHeader());
  }

  Http.Reply send(String method, String path, String body) {
    Http.Reply r = http.request(method, path, body, "Cookie", cookieHeader(), "Origin", origin,
        Guard.CSRF_HEADER, csrf);
    keep(r);
    return r;
  }

  /** Signs up (name, password) and keeps the session. */
  Browser signUp(String name, String password) {
    Http.Reply r = send("POST", "/api/auth/signup", "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
    assertEquals(200, r.status(), r.body());
    return this;
  }

  Browser logIn(String name, String password) {
    Http.Reply r = send("POST", "/api/auth/login", "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
    assertEquals(200, r.status(), r.body());
    return this;
  }

  String cookieHeader() {
    return cookie == null ? null : Guard.COOKIE + "=" + cookie;
  }

  /** Takes the session cookie (and CSRF token) from an answer that sets them. */
  void keep(Http.Reply r) {
    for (String c : setCookies(r)) {
      if (c.startsWith(Guard.COOKIE + "=")) {
        String v = c.substring(Guard.COOKIE.length() + 1, c.indexOf(';'));
        cookie = v.isEmpty() ? null : v;
      }
    }
    if (r.status() == 200 && r.body().startsWith("{") && r.json().hasNonNull("csrf")) {
      csrf = r.json().get("csrf").asText();
    }
  }

  static List<String> setCookies(Http.Reply r) {
    return new ArrayList<>(r.headers().allValues("Set-Cookie"));
  }
}
