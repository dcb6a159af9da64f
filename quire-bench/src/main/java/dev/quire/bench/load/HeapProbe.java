package dev.quire.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a server's heap in use right after a full collection, and its resident memory, so that
 * "heap per connection" is (after - before) / connections rather than a guess from a sawtooth.
 *
 * <ul>
 *   <li>{@code jcmd:PID} — a JVM on this machine (Quire): {@code jcmd PID GC.run} (a full GC with
 *       G1 unless the JVM was told otherwise), then the "used" of {@code jcmd PID GC.heap_info};
 *       resident memory from /proc.
 *   <li>{@code http://127.0.0.1:PORT/heap} — the reference server's own report
 *       (reference-server.js, started with {@code --expose-gc}): it collects, then answers with
 *       {@code process.memoryUsage()}.
 * </ul>
 * Loopback only, like everything the load generator talks to.
 */
final class HeapProbe {
  private static final Pattern USED = Pattern.compile("used (\\d+)K");
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

  /** Bytes of heap in use after a full collection, and the process's resident bytes (-1 if unknown). */
  record Reading(long heapUsed, long rss) {}

  private final String spec;

  HeapProbe(String spec) {
    if (!spec.startsWith("jcmd:") && !spec.startsWith("http://")) {
      throw new IllegalArgumentException("--heap takes jcmd:PID or http://127.0.0.1:PORT/heap, not " + spec);
    }
    this.spec = spec;
  }

  Reading read() throws IOException, InterruptedException {
    if (spec.startsWith("jcmd:")) {
      long pid = Long.parseLong(spec.substring(5));
      jcmd(pid, "GC.run");
      Matcher m = USED.matcher(jcmd(pid, "GC.heap_info"));
      if (!m.find()) {
        throw new IOException("no heap figure in jcmd " + pid + " GC.heap_info");
      }
      return new Reading(Long.parseLong(m.group(1)) * 1024, rss(pid));
    }
    URI uri = URI.create(spec);
    if (!java.net.InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
      throw new IOException("only loopback servers may be probed: " + spec);
    }
    // HTTP/1.1: the default h2c upgrade offer would be taken by the WebSocket server and refused.
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      throw new IOException(spec + " answered " + r.statusCode());
    }
    JsonNode usage = Frame.JSON.readTree(r.body());
    if (!usage.path("gc").asBoolean()) {
      throw new IOException(spec + " could not collect first (start node with --expose-gc)");
    }
    // Node keeps the contents of Buffers outside the JS heap ("external"): both are the heap.
    return new Reading(usage.path("heapUsed").asLong() + usage.path("external").asLong(), usage.path("rss").asLong(-1));
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), command)
        .redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroy();
      throw new IOException("jcmd " + pid + " " + command + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private static long rss(long pid) {
    try {
      Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
      return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
