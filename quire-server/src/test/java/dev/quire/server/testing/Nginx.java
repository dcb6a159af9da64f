package dev.quire.server.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real nginx in front of test servers, configured from the repository's
 * {@code deploy/nginx.conf.template} (the file the cluster script uses), listening on a free
 * loopback port. Missing nginx fails the test under CI=true, and skips it otherwise.
 */
public final class Nginx implements AutoCloseable {
  private final Process process;
  private final int port;

  private Nginx(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static Nginx start(Path dir, List<Integer> upstreamPorts) throws IOException {
    requireNginx();
    Path root = Path.of(System.getProperty("quire.repo.root", ".."));
    String template = Files.readString(root.resolve("deploy/nginx.conf.template"));
    int port = freePort();
    StringBuilder upstreams = new StringBuilder();
    for (int p : upstreamPorts) {
      upstreams.append("    server 127.0.0.1:").append(p).append(" max_fails=2 fail_timeout=5s;\n");
    }
    Files.createDirectories(dir);
    String conf = template.replace("@LISTEN@", Integer.toString(port))
        .replace("@PREFIX@", dir.toAbsolutePath().toString())
        .replace("@UPSTREAMS@\n", upstreams.toString());
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, conf);
    Process p = new ProcessBuilder("nginx", "-p", dir.toAbsolutePath().toString(), "-c", file.toAbsolutePath().toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    Nginx nginx = new Nginx(p, port);
    nginx.awaitReady();
    return nginx;
  }

  public String wsUrl() {
    return "ws://127.0.0.1:" + port + "/ws";
  }

  public String httpUrl() {
    return "http://127.0.0.1:" + port;
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("nginx exited with " + process.exitValue());
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(httpUrl() + "/health/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("nginx did not become ready on port " + port);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  private static void requireNginx() {
    boolean present;
    try {
      present = new ProcessBuilder("nginx", "-v").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException e) {
      present = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      present = false;
    }
    if (!present) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail("nginx is not installed; with CI=true the cluster tests must run (.ci/run installs it)");
      }
      Assumptions.abort("nginx is not installed");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
