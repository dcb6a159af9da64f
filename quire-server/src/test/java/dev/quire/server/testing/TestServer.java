package dev.quire.server.testing;

import dev.quire.server.QuireServer;
import dev.quire.server.config.ConfigException;
import dev.quire.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Quire server for a test: embedded SQLite store in {@code dataDir}, a free port on
 * loopback; without accounts ({@code auth=open}) unless the settings say otherwise. The environment is not read, so a developer's {@code QUIRE_*} variables cannot change
 * what a test sees.
 */
public final class TestServer implements AutoCloseable {
  private final Path dataDir;
  private final QuireServer server;

  private TestServer(Path dataDir, QuireServer server) {
    this.dataDir = dataDir;
    this.server = server;
  }

  /** Starts a server in {@code dataDir}; {@code settings} override defaults by name (as flags). */
  public static TestServer start(Path dataDir, Map<String, String> settings) {
    Map<String, String> flags = new HashMap<>(settings);
    flags.put("host", "127.0.0.1");
    flags.put("port", "0");
    flags.put("data-dir", dataDir.toString());
    // The protocol, web and cluster tests connect without accounts; auth tests ask for them.
    flags.putIfAbsent("auth", "open");
    try {
      return new TestServer(dataDir, QuireServer.start(ConfigLoader.load(null, Map.of(), flags)));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  public static TestServer start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /** The server's HTTP root, e.g. {@code http://127.0.0.1:PORT} (the web app and /api). */
  public String httpUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  /** The WebSocket endpoint the sharedb client connects to. */
  public String wsUrl() {
    return "ws://127.0.0.1:" + server.port() + "/ws";
  }

  public Path dataDir() {
    return dataDir;
  }

  public QuireServer server() {
    return server;
  }

  /** Stops gracefully: commits in flight finish and open documents are snapshotted. */
  @Override
  public void close() {
    server.close();
  }
}
