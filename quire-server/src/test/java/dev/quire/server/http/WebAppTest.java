package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built web app as the server serves it: cache headers, types, app routes, and nothing else. */
class WebAppTest {
  @TempDir static Path dir;
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() {
    if (!new WebApp().present()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI=true but the web app is not on the class path (module quire-web)");
      }
      Assumptions.abort("the web app is not built");
    }
    server = TestServer.start(dir.resolve("data"));
    http = new Http(server.httpUrl());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String script() {
    Matcher m = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(http.get("/").body());
    assertTrue(m.find(), "index.html names its script");
    return m.group(1);
  }

  @Test
  void indexHtmlIsRevalidatedEveryTimeAndTheAppRoutesServeIt() {
    for (String path : List.of("/", "/d/abc123", "/d/some-id_2")) {
      Http.Reply r = http.get(path);
      assertEquals(200, r.status(), path);
      assertEquals("no-cache", r.header("Cache-Control"), path);
      assertTrue(r.header("Content-Type").startsWith("text/html"), path);
      assertTrue(r.body().contains("<div id=\"root\">"), path);
      assertNotNull(r.header("Content-Security-Policy"), path);
      assertEquals("nosniff", r.header("X-Content-Type-Options"), path);
    }
    String etag = http.get("/").header("ETag");
    assertEquals(304, http.get("/", "If-None-Match", etag).status());
  }

  @Test
  void hashedAssetsAreCachedForeverWithTheirContentType() {
    String js = script();
    assertTrue(js.matches("/assets/[A-Za-z0-9_-]+-[A-Za-z0-9_-]{8,}\\.js"), js);
    Http.Reply r = http.get(js);
    assertEquals(200, r.status());
    assertEquals("public, max-age=31536000, immutable", r.header("Cache-Control"));
    assertEquals("text/javascript; charset=utf-8", r.header("Content-Type"));
    Matcher css = Pattern.compile("href=\"(/assets/[^\"]+\\.css)\"").matcher(http.get("/").body());
    assertTrue(css.find());
    assertEquals("text/css; charset=utf-8", http.get(css.group(1)).header("Content-Type"));
    Http.Reply head = http.raw("HEAD", js, null, null);
    assertEquals(200, head.status());
    assertEquals("public, max-age=31536000, immutable", head.header("Cache-Control"));
    assertEquals("no-cache", http.raw("HEAD", "/d/x1", null, null).header("Cache-Control"));
  }

  @Test
  void nothingOutsideTheAppsFilesIsServedAndFoldersAreNotListed() {
    for (String path : List.of("/assets/", "/assets/missing-abcdefgh.js", "/assets/..%2Findex.html",
        "/assets/%2E%2E%2F%2E%2E%2Flogback.xml", "/assets/.hidden", "/web/index.html", "/logback.xml",
        "/d/abc/def", "/assets/..", "/assets/%2e%2e")) {
      Http.Reply r = http.get(path);
      assertEquals(404, r.status(), () -> path + " → " + r.status() + " " + r.body());
      assertTrue(!r.body().contains("<html") && !r.body().contains("configuration"), path);
    }
  }
}
