package dev.quire.server.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the web app that the quire-web module puts in the jar under {@code web/}.
 *
 * <p>Caching, so a CDN in front can keep assets forever and never serve a stale app: files in
 * {@code /assets/} have a content hash in their names (Vite), so they are {@code public,
 * max-age=31536000, immutable}; {@code index.html}, which names the current assets, is {@code
 * no-cache} (revalidated every time, cheaply, by its ETag). The app's own routes ({@code /},
 * {@code /d/<id>}, {@code /account}, {@code /orgs}, {@code /setup}) all answer with index.html, and the app shows the page.
 *
 * <p>Only names matching a strict pattern (no slash, no leading dot) are looked up, and only as
 * regular files of {@code web/}, so there is no path traversal and no directory listing; anything
 * else is a 404.
 */
public final class WebApp {
  static final String ROOT = "web/";
  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  /** Scripts and styles only from this server; the socket to this server; no framing. */
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data: https:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
      + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("woff2", "font/woff2"),
      Map.entry("woff", "font/woff"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("txt", "text/plain; charset=utf-8"));

  private record File(byte[] bytes, String type, String etag) {}

  private final ClassLoader loader;
  /** Assets never change while the server runs (they are in its jar): read each once. */
  private final Map<String, File> cache = new ConcurrentHashMap<>();

  public WebApp() {
    this(WebApp.class.getClassLoader());
  }

  WebApp(ClassLoader loader) {
    this.loader = loader;
  }

  /** Whether the jar holds the app (a server built without the quire-web module has none). */
  public boolean present() {
    return load("index.html") != null;
  }

  public void mount(JavalinDefaultRoutingApi routes) {
    // HEAD too: caches and checkers ask for the headers alone (Jetty drops the body).
    for (HandlerType method : new HandlerType[] {HandlerType.GET, HandlerType.HEAD}) {
      routes.addHttpHandler(method, "/", this::index);
      routes.addHttpHandler(method, "/d/{id}", this::index);
      routes.addHttpHandler(method, "/account", this::index);
      routes.addHttpHandler(method, "/orgs", this::index);
      routes.addHttpHandler(method, "/setup", this::index);
      routes.addHttpHandler(method, "/s", this::index);
      routes.addHttpHandler(method, "/assets/{name}", ctx -> file(ctx, "assets/", ctx.pathParam("name"), IMMUTABLE));
      routes.addHttpHandler(method, "/favicon.svg", ctx -> file(ctx, "", "favicon.svg", "public, max-age=86400"));
    }
  }

  private void index(Context ctx) {
    File f = load("index.html");
    security(ctx);
    if (f == null) {
      ctx.status(503).contentType(TYPES.get("txt")).header("Cache-Control", "no-store")
          .result("The web app is not in this build: build with `mvn package` (module quire-web).\n");
      return;
    }
    ctx.header("Cache-Control", "no-cache").header("Content-Security-Policy", CSP)
        .header("Referrer-Policy", "no-referrer").header("ETag", f.etag());
    if (f.etag().equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType(f.type()).result(f.bytes());
  }

  private void file(Context ctx, String folder, String name, String cacheControl) {
    security(ctx);
    File f = NAME.matcher(name).matches() ? load(folder + name) : null;
    if (f == null) {
      ctx.status(404).header("Cache-Control", "no-store").contentType(TYPES.get("txt")).result("Not found\n");
      return;
    }
    ctx.header("Cache-Control", cacheControl).header("ETag", f.etag());
    if (f.etag().equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType(f.type()).result(f.bytes());
  }

  private static void security(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff");
  }

  /** The file {@code web/<path>} as a regular file of the class path, or null. */
  private File load(String path) {
    File cached = cache.get(path);
    if (cached != null) {
      return cached;
    }
    URL url = loader.getResource(ROOT + path);
    if (url == null || !regularFile(url)) {
      return null;
    }
    try (InputStream in = url.openStream()) {
      byte[] bytes = in.readAllBytes();
      String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
      File f = new File(bytes, TYPES.getOrDefault(ext, "application/octet-stream"), etag(bytes));
      cache.put(path, f);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + url, e);
    }
  }

  /** A folder on the class path opens as a listing of its files: never serve one. */
  private static boolean regularFile(URL url) {
    try {
      return switch (url.getProtocol()) {
        case "file" -> Files.isRegularFile(Path.of(url.toURI()));
        case "jar" -> !url.getPath().endsWith("/");
        default -> false;
      };
    } catch (URISyntaxException | IllegalArgumentException e) {
      return false;
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(h, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
