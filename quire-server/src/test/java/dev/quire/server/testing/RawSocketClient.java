package dev.quire.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A WebSocket client on a plain socket with a tiny receive buffer, for a client that stops
 * reading: once it does, the server's writes back up after a few kilobytes instead of filling
 * the megabytes of a default loopback buffer. It only sends (masked text frames) and, at the end,
 * drains what arrived.
 */
public final class RawSocketClient implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  private RawSocketClient(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = socket.getInputStream();
  }

  /** Connects and upgrades to a WebSocket; the receive buffer is set before connecting so the window stays small. */
  public static RawSocketClient connect(URI uri, int receiveBufferBytes) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(receiveBufferBytes);
    s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
    s.setSoTimeout(10_000);
    RawSocketClient c = new RawSocketClient(s);
    c.out.write(("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    c.out.flush();
    String head = c.readHead();
    if (!head.startsWith("HTTP/1.1 101")) {
      throw new IOException("no WebSocket upgrade: " + head);
    }
    return c;
  }

  private String readHead() throws IOException {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the upgrade: " + sb);
      }
      sb.append((char) b);
    }
    return sb.toString();
  }

  /** Sends one masked text frame (clients must mask; the mask here is fixed, which is allowed for tests). */
  public void sendText(String text) throws IOException {
    sendText(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a text frame with exactly these bytes as its payload, valid UTF-8 or not. */
  public void sendText(byte[] payload) throws IOException {
    byte[] mask = {0x11, 0x22, 0x33, 0x44};
    int n = payload.length;
    byte[] frame = new byte[2 + (n < 126 ? 0 : n < 65536 ? 2 : 8) + 4 + n];
    int i = 0;
    frame[i++] = (byte) 0x81;
    if (n < 126) {
      frame[i++] = (byte) (0x80 | n);
    } else if (n < 65536) {
      frame[i++] = (byte) (0x80 | 126);
      frame[i++] = (byte) (n >>> 8);
      frame[i++] = (byte) n;
    } else {
      frame[i++] = (byte) (0x80 | 127);
      for (int k = 7; k >= 0; k--) {
        frame[i++] = (byte) ((long) n >>> (8 * k));
      }
    }
    System.arraycopy(mask, 0, frame, i, 4);
    i += 4;
    for (int k = 0; k < n; k++) {
      frame[i + k] = (byte) (payload[k] ^ mask[k % 4]);
    }
    out.write(frame);
    out.flush();
  }

  /** Reads frames until a close frame and returns its code (-1 if the connection ends without one). */
  public int readCloseCode() throws IOException {
    while (true) {
      int b0 = in.read();
      int b1 = in.read();
      if (b0 < 0 || b1 < 0) {
        return -1;
      }
      long n = b1 & 0x7f;
      if (n >= 126) {
        int bytes = n == 126 ? 2 : 8;
        n = 0;
        for (int i = 0; i < bytes; i++) {
          n = (n << 8) | in.read();
        }
      }
      byte[] payload = in.readNBytes((int) n);
      if ((b0 & 0x0f) == 0x8) {
        return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
      }
    }
  }

  /**
   * Reads everything until the server ends the connection; returns how many bytes arrived, or
   * -1 if the connection was still open after {@code timeout} of silence.
   */
  public long drainUntilClosed(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        total += n;
      }
      return total;
    } catch (SocketTimeoutException e) {
      return -1;
    } catch (IOException e) {
      return total; // reset by the server: also closed
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
