package dev.quire.server.bus.redis;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A redis-server of a test's own, on a free loopback port, that the test may kill -9 and start
 * again on the same port. Fault tests use this, never the machine's Redis. It keeps nothing on
 * disk; its folder is a fresh temporary one, removed on close.
 */
public final class ThrowawayRedis implements AutoCloseable {
  private static final Duration START_DEADLINE = Duration.ofSeconds(20);

  private final Path dir;
  private final int port;
  private final StringBuffer output = new StringBuffer();
  private Process process;

  private ThrowawayRedis(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts one; skips the test if redis-server is not installed (fails under CI=true). */
  public static ThrowawayRedis start() throws Exception {
    if (!onPath("redis-server")) {
      Redis.unavailable("redis-server is not on the PATH (Debian package redis-server)");
    }
    ThrowawayRedis r = new ThrowawayRedis(Files.createTempDirectory("quire-redis-"), freePort());
    r.restart();
    return r;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again) on its port and returns once it accepts connections. */
  public void restart() throws Exception {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    process = new ProcessBuilder("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
        "--daemonize", "no", "--protected-mode", "yes")
        .redirectErrorStream(true)
        .start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Process p = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          output.append(line).append('\n');
          if (line.contains("Ready to accept connections")) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        // the process was killed: its output ends here
      }
      ready.completeExceptionally(new IllegalStateException("redis-server exited:\n" + output));
    }, "throwaway-redis-" + port);
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(START_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException("redis-server on port " + port + " did not start:\n" + output, e);
    }
  }

  /** kill -9: the server dies at once, without closing anything politely. */
  public void kill() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL on Linux
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("redis-server on port " + port + " survived SIGKILL");
    }
  }

  @Override
  public void close() throws IOException {
    if (process != null && process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }
}
