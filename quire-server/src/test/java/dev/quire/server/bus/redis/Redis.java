package dev.quire.server.bus.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;

/** The machine's Redis for tests, and the rule for when it is missing. */
final class Redis {
  /** The machine's own Redis (override with -Dquire.redis.url); tests never stop or flush it. */
  static final String URL = System.getProperty("quire.redis.url", "redis://127.0.0.1:6379");

  private Redis() {}

  /**
   * Skips the calling test when Redis does not answer at {@code url}, except under CI=true, where
   * it fails: CI must never pass without having tested the Redis bus.
   */
  static void requireReachable(String url) {
    URI uri = URI.create(url);
    String why = answersPing(uri.getHost(), uri.getPort()) ? null : "no Redis answers at " + url;
    if (why != null) {
      unavailable(why + " (start one, or set -Dquire.redis.url)");
    }
  }

  /** Fails under CI=true, skips otherwise. */
  static void unavailable(String why) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why + " (CI=true: the Redis tests must run in CI)");
    }
    Assumptions.abort(why);
  }

  /** Whether a RESP server answers PING at host:port within a second. */
  static boolean answersPing(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1_000);
      s.setSoTimeout(1_000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = in.readNBytes(7);
      return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }
}
