package dev.quire.server.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.QuireServer;
import dev.quire.server.config.ConfigLoader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WebSocket handshake as Quire answers it. */
class JettyWireTest {
  @TempDir Path tmp;

  @Test
  void aClientOfferingPerMessageDeflateGetsAnUncompressedConnection() throws Exception {
    try (QuireServer server = QuireServer.start(ConfigLoader.load(null, Map.of(),
        Map.of("port", "0", "data-dir", tmp.resolve("data").toString(), "auth", "open")))) {
      List<String> headers = handshake(server.port(),
          "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits");
      assertTrue(headers.get(0).contains(" 101 "), headers.toString());
      assertFalse(headers.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("sec-websocket-extensions")),
          headers.toString());
    }
  }

  /**
   * The wire as the protocol layer sees it, on Jetty's core upgrade handler ahead of Javalin: the
   * URL's query (decoded) at open, text frames in order, the client's close code, and a binary
   * frame refused with 1003 — while Javalin's own routes still answer beside it.
   */
  @Test
  void queryTextCloseAndBinaryReachTheListenerAndHttpRoutesStillAnswer() throws Exception {
    java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
    WireListener listener = new WireListener() {
      @Override
      public void onOpen(WireConnection c) {
        events.add("open");
      }

      @Override
      public void onOpen(WireConnection c, Map<String, List<String>> query) {
        events.add("open " + new java.util.TreeMap<>(query));
        c.send("hello " + c.remoteAddress());
      }

      @Override
      public void onText(WireConnection c, String text) {
        events.add("text " + text);
      }

      @Override
      public void onClose(WireConnection c, int code, String reason) {
        events.add("close " + code);
      }
    };
    io.javalin.Javalin app = io.javalin.Javalin.create(cfg -> {
      cfg.jetty.host = "127.0.0.1";
      cfg.jetty.port = 0;
      cfg.startup.showJavalinBanner = false;
      new JettyWire().mount(cfg, "/ws", listener, UpgradeGate.OPEN, 1024, 1 << 20, java.time.Duration.ofMinutes(1));
      cfg.routes.get("/ping", ctx -> ctx.result("pong"));
    }).start();
    try {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
      java.net.http.WebSocket ws = http.newWebSocketBuilder().buildAsync(
          java.net.URI.create("ws://127.0.0.1:" + app.port() + "/ws?name=J%C3%BCrgen&x=1&x=2"),
          new java.net.http.WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
              received.add(data.toString());
              w.request(1);
              return null;
            }
          }).get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals("open {name=[Jürgen], x=[1, 2]}", events.poll(10, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals("hello 127.0.0.1", received.poll(10, java.util.concurrent.TimeUnit.SECONDS));
      ws.sendText("one", true).get(10, java.util.concurrent.TimeUnit.SECONDS);
      ws.sendText("two", true).get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals("text one", events.poll(10, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals("text two", events.poll(10, java.util.concurrent.TimeUnit.SECONDS));
      ws.sendClose(1000, "bye").get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals("close 1000", events.poll(10, java.util.concurrent.TimeUnit.SECONDS));

      java.net.http.WebSocket binary = http.newWebSocketBuilder().buildAsync(
          java.net.URI.create("ws://127.0.0.1:" + app.port() + "/ws"), new java.net.http.WebSocket.Listener() {})
          .get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals("open {}", events.poll(10, java.util.concurrent.TimeUnit.SECONDS));
      binary.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals("close 1003", events.poll(10, java.util.concurrent.TimeUnit.SECONDS));

      java.net.http.HttpResponse<String> ping = http.send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + app.port() + "/ping")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals("pong", ping.body());
    } finally {
      app.stop();
    }
  }

  /** Sends an upgrade request to /ws and returns the response's status line and headers. */
  private static List<String> handshake(int port, String extraHeader) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000); // the deadline for the answer
      OutputStream out = s.getOutputStream();
      out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n" + extraHeader + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      List<String> lines = new ArrayList<>();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        lines.add(line);
      }
      return lines;
    }
  }
}
