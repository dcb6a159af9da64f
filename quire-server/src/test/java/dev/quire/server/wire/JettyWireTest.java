package dev.quire.server.wire;

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
