package dev.quire.server.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.QuireServer;
import dev.quire.server.config.ConfigLoader;
import io.javalin.Javalin;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    Javalin app = Javalin.create(cfg -> {
      cfg.jetty.host = "127.0.0.1";
      cfg.jetty.port = 0;
      cfg.startup.showJavalinBanner = false;
      new JettyWire().mount(cfg, "/ws", listener, UpgradeGate.OPEN, 1024, 1 << 20, Duration.ofMinutes(1));
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
          }).get(10, TimeUnit.SECONDS);
      assertEquals("open {name=[Jürgen], x=[1, 2]}", events.poll(10, TimeUnit.SECONDS));
      assertEquals("hello 127.0.0.1", received.poll(10, TimeUnit.SECONDS));
      ws.sendText("one", true).get(10, TimeUnit.SECONDS);
      ws.sendText("two", true).get(10, TimeUnit.SECONDS);
      assertEquals("text one", events.poll(10, TimeUnit.SECONDS));
      assertEquals("text two", events.poll(10, TimeUnit.SECONDS));
      ws.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
      assertEquals("close 1000", events.poll(10, TimeUnit.SECONDS));

      java.net.http.WebSocket binary = http.newWebSocketBuilder().buildAsync(
          java.net.URI.create("ws://127.0.0.1:" + app.port() + "/ws"), new java.net.http.WebSocket.Listener() {})
          .get(10, TimeUnit.SECONDS);
      assertEquals("open {}", events.poll(10, TimeUnit.SECONDS));
      binary.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
      assertEquals("close 1003", events.poll(10, TimeUnit.SECONDS));

      java.net.http.HttpResponse<String> ping = http.send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + app.port() + "/ping")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals("pong", ping.body());
    } finally {
      app.stop();
    }
  }

  /**
   * What a client reads off the socket, frame by frame, for the sends the protocol layer makes:
   * messages in the order sent, whether sent one by one, held in a {@link SendBatch} or given as
   * shared UTF-8 bytes; a message longer than Jetty's 64 KB frame size split into a text frame
   * and continuations of at most that size, cut anywhere in the bytes (also inside a character);
   * nothing after a close but the close frame. Frames go to Jetty's flusher directly
   * ({@link JettyConnection}), so this is what keeps that path honest.
   */
  @Test
  void messagesArriveWholeInOrderAndLongOnesInFramesOfAtMost64Kb() throws Exception {
    try (RawPeer peer = RawPeer.open()) {
      WireConnection c = peer.connection;
      // A long message of 2- and 3-byte characters: 64 KB boundaries fall inside characters.
      StringBuilder b = new StringBuilder();
      for (int i = 0; b.length() < 150_000; i++) {
        b.append(i % 3 == 0 ? "é" : i % 3 == 1 ? "€" : "x");
      }
      String longText = b.toString();
      byte[] longUtf8 = longText.getBytes(StandardCharsets.UTF_8);
      List<String> sent = new ArrayList<>();
      c.send("one");
      sent.add("one");
      SendBatch.run(() -> {
        for (int i = 0; i < 50; i++) {
          String m = "{\"a\":\"op\",\"v\":" + i + ",\"é\":\"€\"}";
          if (i % 2 == 0) {
            c.send(m, m.getBytes(StandardCharsets.UTF_8));
          } else {
            c.send(m);
          }
          sent.add(m);
        }
        c.send(longText, longUtf8);
        sent.add(longText);
        c.send(longText); // the same, encoded by the connection
        sent.add(longText);
      });
      c.send("last");
      sent.add("last");

      List<String> received = new ArrayList<>();
      List<int[]> longFrames = new ArrayList<>(); // {opcode, fin, length} of the frames of long messages
      while (received.size() < sent.size()) {
        List<int[]> frames = new ArrayList<>();
        String text = peer.nextMessage(frames);
        received.add(text);
        if (text.length() == longText.length()) {
          longFrames.addAll(frames);
        }
      }
      assertEquals(sent, received);
      for (int[] f : longFrames) {
        assertTrue(f[2] <= 65536, "frame of " + f[2] + " bytes");
      }
      assertEquals(2 * ((longUtf8.length + 65535) / 65536), longFrames.size(), "frames of the two long messages");

      c.close(1000, "bye");
      c.send("after the close");
      assertEquals(0x88, peer.in.readUnsignedByte(), "the close frame comes next");
      peer.in.readFully(new byte[peer.in.readUnsignedByte()]); // its code and reason
      // Our half of the close handshake (masked, as a client's frames are); then the server ends
      // the connection, with nothing sent after its close frame.
      peer.socket.getOutputStream().write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8});
      assertEquals(-1, peer.in.read(), "nothing after the close frame");
    }
  }

  /**
   * A frame sent outside any batch while another thread's {@link SendBatch} holds frames for the
   * same connection waits behind them: a reply sent from the store's executor must not overtake
   * the ack of the message before it, which the document's actor still holds.
   */
  @Test
  void aSendOutsideABatchWaitsBehindTheFramesABatchHolds() throws Exception {
    try (RawPeer peer = RawPeer.open()) {
      WireConnection c = peer.connection;
      CompletableFuture<Void> outside = new CompletableFuture<>();
      SendBatch.run(() -> {
        c.send("held by the batch");
        Thread t = new Thread(() -> {
          c.send("sent outside it");
          outside.complete(null);
        });
        t.start();
        outside.orTimeout(10, TimeUnit.SECONDS).join(); // that send has returned: queued or written
      });
      List<int[]> frames = new ArrayList<>();
      assertEquals("held by the batch", peer.nextMessage(frames));
      assertEquals("sent outside it", peer.nextMessage(frames));
    }
  }

  /** A raw client socket on a bare wire (no protocol), reading the server's frames as they come. */
  private static final class RawPeer implements AutoCloseable {
    final Javalin app;
    final Socket socket;
    final DataInputStream in;
    final WireConnection connection;
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();

    private RawPeer(Javalin app, Socket socket, DataInputStream in, WireConnection connection) {
      this.app = app;
      this.socket = socket;
      this.in = in;
      this.connection = connection;
    }

    static RawPeer open() throws Exception {
      CompletableFuture<WireConnection> opened = new CompletableFuture<>();
      WireListener listener = new WireListener() {
        @Override
        public void onOpen(WireConnection c) {
          opened.complete(c);
        }

        @Override
        public void onText(WireConnection c, String text) {}

        @Override
        public void onClose(WireConnection c, int code, String reason) {}
      };
      Javalin app = Javalin.create(cfg -> {
        cfg.jetty.host = "127.0.0.1";
        cfg.jetty.port = 0;
        cfg.startup.showJavalinBanner = false;
        new JettyWire().mount(cfg, "/ws", listener, UpgradeGate.OPEN, 1024, 1 << 24, Duration.ofMinutes(1));
      }).start();
      Socket s = new Socket("127.0.0.1", app.port());
      try {
        s.setSoTimeout(10_000); // the deadline for every read
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
        s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String status = readLine(in);
        assertTrue(status.contains(" 101 "), status);
        while (!readLine(in).isEmpty()) {
          // the rest of the response's headers
        }
        return new RawPeer(app, s, in, opened.get(10, TimeUnit.SECONDS));
      } catch (Exception | AssertionError e) {
        s.close();
        app.stop();
        throw e;
      }
    }

    /** The next whole text message; its frames ({opcode, fin, length}) are added to {@code frames}. */
    String nextMessage(List<int[]> frames) throws IOException {
      while (true) {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        assertEquals(0, b1 & 0x80, "a server's frame is never masked");
        long len = b1 & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        int opcode = b0 & 0x0f;
        boolean fin = (b0 & 0x80) != 0;
        assertEquals(message.size() == 0 ? 1 : 0, opcode, "a text frame starts a message, continuations go on");
        message.write(payload);
        frames.add(new int[] {opcode, fin ? 1 : 0, (int) len});
        if (fin) {
          String text = message.toString(StandardCharsets.UTF_8);
          message.reset();
          return text;
        }
      }
    }

    @Override
    public void close() throws IOException {
      try {
        socket.close();
      } finally {
        app.stop();
      }
    }
  }

  private static String readLine(DataInputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int ch = in.read(); ch != '\n'; ch = in.read()) {
      if (ch < 0) {
        throw new EOFException("in the handshake's response");
      }
      if (ch != '\r') {
        line.append((char) ch);
      }
    }
    return line.toString();
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
