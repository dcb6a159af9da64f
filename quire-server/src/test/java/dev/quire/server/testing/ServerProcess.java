package dev.quire.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code quire serve} in a separate JVM (this test run's classpath), so that it can be killed
 * with SIGKILL: no shutdown hook, no last snapshot, no flush, exactly what a crash leaves behind.
 * It listens on port 0; the port is read from its start-up log line. Its output goes to a file,
 * whose path failures mention.
 */
public final class ServerProcess {
  private static final Pattern LISTENING = Pattern.compile("Quire listening on http://127\\.0\\.0\\.1:(\\d+)");
  private static final long START_SECONDS = 60;

  private final Process process;
  private final Path log;
  private final int port;

  private ServerProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts {@code quire serve --port 0 --data-dir dataDir} plus {@code args}, and waits until it listens. */
  public static ServerProcess start(Path dataDir, Path log, String... args) throws IOException {
    return start(dataDir, log, 0, args);
  }

  /**
   * As {@link #start(Path, Path, String...)}, on a given port (0: a free one): a replacement
   * server takes its predecessor's port, where nginx expects it.
   */
  public static ServerProcess start(Path dataDir, Path log, int listenPort, String... args) throws IOException {
    return start(dataDir, log, listenPort, List.of(), args);
  }

  /** As {@link #start(Path, Path, int, String...)}, with extra JVM options ({@code -Dname=value}). */
  public static ServerProcess start(Path dataDir, Path log, int listenPort, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        // The server's own logging (INFO), not the test one: the start-up line carries the port.
        "-Dlogback.configurationFile=logback.xml"));
    command.addAll(jvmOptions);
    command.addAll(List.of(
        "dev.quire.cli.Main", "serve", "--host", "127.0.0.1", "--port", Integer.toString(listenPort), "--data-dir", dataDir.toString()));
    if (!List.of(args).contains("--auth")) {
      command.addAll(List.of("--auth", "open")); // the fault and durability tests connect without accounts
    }
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread pump = new Thread(() -> copyOutput(p, log, port), "server-output-" + p.pid());
    pump.setDaemon(true);
    pump.start();
    try {
      return new ServerProcess(p, log, port.get(START_SECONDS, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("the server did not start within " + START_SECONDS + " s; see " + log, e);
    }
  }

  private static void copyOutput(Process p, Path log, CompletableFuture<Integer> port) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (String line; (line = in.readLine()) != null; ) {
        out.write(line + "\n");
        out.flush();
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      port.completeExceptionally(e);
    }
    port.completeExceptionally(new IllegalStateException("the server's output ended before it listened"));
  }

  public URI uri() {
    return URI.create("ws://127.0.0.1:" + port + "/ws");
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  /**
   * {@code kill -9}: {@link Process#destroyForcibly} sends SIGKILL on Linux; the exit status 137
   * (128 + 9) proves that it did.
   */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the server survived SIGKILL");
    }
    if (process.exitValue() != 137) {
      throw new IllegalStateException("expected exit status 137 (SIGKILL), got " + process.exitValue() + "; see " + log);
    }
  }

  /** Waits up to {@code seconds} for the process to end by itself; its exit status, or -1 if it still runs. */
  public int awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  /** SIGSTOP: the process freezes (its sockets stay open, nothing answers) until {@link #resume}. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
    String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + out);
    }
  }

  /** Waits until {@code /health/ready} answers 200 (the store is reachable), at most 60 s. */
  public void awaitReady() throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    URI ready = URI.create("http://127.0.0.1:" + port + "/health/ready");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    while (true) {
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not answering yet
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("the server on port " + port + " did not become ready; see " + log);
      }
      Thread.sleep(50); // polling a condition with a deadline
    }
  }

  /** SIGTERM: the graceful stop; forcibly after 30 s. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
