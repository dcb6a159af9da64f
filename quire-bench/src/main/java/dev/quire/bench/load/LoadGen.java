package dev.quire.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load generator of docs/BENCHMARKS.md. It speaks the ShareDB protocol, so it measures Quire
 * and the reference ShareDB servers alike, and it is cheap per message (see {@link Author}), so it
 * can drive a hot document with hundreds of authors on the same 2 cores as the servers. Modes:
 *
 * <ul>
 *   <li>{@code typing} (the default): DOCS documents × AUTHORS typing authors (+ VIEWERS idle
 *       subscribers each) over one WebSocket each, spread round-robin over the given servers
 *       (member k of all documents' members connects to server k mod N, so every document has
 *       members on every server). With {@code --interval S} it also prints one {@code interval
 *       {json}} line every S seconds (ops/s, latencies, failures, server heap): the soak.
 *   <li>{@code find-max}: typing runs with AUTHORS, AUTHORS + STEP, … authors per document (each
 *       on fresh documents) until the p95 remote-delivery latency passes {@code --threshold-ms}, a
 *       run fails, or {@code --max-authors} is reached; reports the last passing step.
 *   <li>{@code idle}: CONNECTIONS WebSockets that hand-shake and subscribe to one of DOCS documents,
 *       then stay silent for {@code --hold} seconds; with {@code --heap} the server's heap after a
 *       full GC is read before and after, giving the heap per connection. {@code
 *       --source-addresses N} spreads the client side over 127.0.0.2 … 127.0.0.(N+1), as one
 *       source address has only ~28,000 ephemeral ports.
 * </ul>
 *
 * <p>Measured after the warm-up, for DURATION seconds: durable ops/s (acks; both servers ack only
 * after the commit), keystrokes/s, ack latency (first keystroke of an op → its ack) and
 * remote-delivery latency (first keystroke → the op's arrival at another member of the document;
 * "cross" counts only members on another server), as HdrHistogram percentiles. Then it stops
 * typing, waits for the last acks and for every member to reach its document's head, fetches each
 * document through each member's own server and checks: the same contents and version
 * everywhere, equal to what the member tracked, and the version equal to 1 + the acked ops (every
 * acknowledged op stored exactly once). Any failed op, divergence or dropped connection fails the
 * run (exit 1). A version gap (an op a connection was never sent) is filled the way the npm client
 * fills it, by asking for the ops from its version, and counted ("gaps filled"), not failed.
 *
 * <p>Loopback only, bounded: connections, documents, steps and time are fixed by the options;
 * {@code --ramp} paces the connections. Prints a summary and one line {@code result {json}} (the
 * fields of cluster-report.js and more), also appended to {@code --out} when given.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true,
    description = "Drives ShareDB-protocol servers with typing authors and idle connections, and measures them.")
public final class LoadGen implements Callable<Integer> {
  @Option(names = "--urls", required = true, split = ",", description = "WebSocket URLs, e.g. ws://127.0.0.1:8080/ws")
  List<URI> urls;

  @Option(names = "--mode", defaultValue = "typing", description = "typing, find-max or idle")
  String mode;

  @Option(names = "--docs", defaultValue = "1")
  int docs;

  @Option(names = "--authors", defaultValue = "5", description = "typing authors per document (find-max: the first step)")
  int authors;

  @Option(names = "--viewers", defaultValue = "0", description = "idle subscribers per document")
  int viewers;

  @Option(names = "--rate", defaultValue = "0",
      description = "keystrokes per second per author; 0 = each author types as fast as its acks come")
  int rate;

  @Option(names = "--warmup", defaultValue = "5", description = "seconds")
  int warmup;

  @Option(names = "--duration", defaultValue = "15", description = "seconds")
  int duration;

  @Option(names = "--interval", defaultValue = "0", description = "typing: print an interval line every this many seconds (0 = none)")
  int interval;

  @Option(names = "--step", defaultValue = "25", description = "find-max: authors added per step")
  int step;

  @Option(names = "--max-authors", defaultValue = "1000", description = "find-max: the last step tried")
  int maxAuthors;

  @Option(names = "--threshold-ms", defaultValue = "100", description = "find-max: the p95 remote-delivery latency a step must stay within")
  double thresholdMs;

  @Option(names = "--connections", defaultValue = "1000", description = "idle: connections to open (besides one creator per document)")
  int connections;

  @Option(names = "--hold", defaultValue = "10", description = "idle: seconds to hold them, silent (keep it below the server's idle timeout)")
  int hold;

  @Option(names = "--ramp", defaultValue = "0", description = "connections opened per second (0 = as fast as --connect-parallelism allows)")
  int ramp;

  @Option(names = "--source-addresses", defaultValue = "0",
      description = "client source addresses 127.0.0.2 … 127.0.0.(N+1), round-robin (0 = the system's choice)")
  int sourceAddresses;

  @Option(names = "--heap", description = "read the server's heap after a full GC: jcmd:PID or http://127.0.0.1:PORT/heap")
  String heap;

  @Option(names = "--seed", defaultValue = "-1")
  long seed;

  @Option(names = "--label", defaultValue = "server")
  String label;

  @Option(names = "--scenario", defaultValue = "?")
  String scenario;

  @Option(names = "--server-pids", split = ",", description = "processes whose CPU is 'servers CPU'")
  List<Long> serverPids = new ArrayList<>();

  @Option(names = "--service-pids", split = ",", description = "processes whose CPU is 'services CPU' (PostgreSQL, Redis)")
  List<Long> servicePids = new ArrayList<>();

  @Option(names = "--service-commands", split = ",",
      description = "command names (as pgrep -x matches them: postgres,redis-server) whose processes at the window's"
          + " start are 'services CPU' too: a database's backends for a server's connections exist only once it opened them")
  List<String> serviceCommands = new ArrayList<>();

  @Option(names = "--connect-parallelism", defaultValue = "64")
  int connectParallelism;

  @Option(names = "--settle", defaultValue = "60", description = "seconds allowed for the last acks and convergence")
  int settle;

  @Option(names = "--histograms", description = "write the latency histograms (HdrHistogram percentile text) here")
  Path histograms;

  @Option(names = "--out", description = "append the result line's JSON (and interval / step lines) to this file")
  Path out;

  /** The last run's result line (also printed); for tests. */
  ObjectNode result;
  /** The interval lines of the last typing run (with --interval), and find-max's steps; for tests. */
  final List<ObjectNode> lines = new ArrayList<>();

  static final String START_TEXT = "The quick brown fox jumps over the lazy dog.\n".repeat(20);

  private List<WebSocketClient> clients;
  private QueuedThreadPool threads;
  private String runId;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGen()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    for (URI url : urls) {
      // A load test only ever targets this machine: it is sized to flood a server.
      if (url.getHost() == null || !java.net.InetAddress.getByName(url.getHost()).isLoopbackAddress()) {
        System.err.println("loadgen: only loopback servers may be loaded; refusing " + url);
        return 2;
      }
    }
    if (!List.of("typing", "find-max", "idle").contains(mode) || sourceAddresses < 0 || sourceAddresses > 250
        || ramp < 0 || interval < 0 || step < 1 || connections < 0 || docs < 1) {
      System.err.println("loadgen: bad options (--mode typing|find-max|idle; --source-addresses 0-250; "
          + "--ramp, --interval, --connections >= 0; --step, --docs >= 1)");
      return 2;
    }
    if (seed < 0) {
      seed = System.nanoTime() & 0xffffffffL;
    }
    runId = label + "-" + scenario + "-" + seed + "-" + Long.toString(System.currentTimeMillis(), 36);
    startClients();
    try {
      return switch (mode) {
        case "idle" -> idle();
        case "find-max" -> findMax();
        default -> {
          ObjectNode r = typing(authors, scenario, interval);
          emit("result", r);
          result = r;
          yield r.get("errors").asInt() == 0 && r.get("converged").asBoolean() ? 0 : 1;
        }
      };
    } finally {
      for (WebSocketClient c : clients) {
        c.stop();
      }
      threads.stop(); // the clients do not own it (it was started first)
    }
  }

  /** One WebSocket client per source address (Jetty binds each client's sockets to one address). */
  private void startClients() throws Exception {
    threads = new QueuedThreadPool(Math.max(8, Runtime.getRuntime().availableProcessors() * 4));
    threads.setName("loadgen");
    threads.setDaemon(true);
    threads.start();
    clients = new ArrayList<>();
    for (int i = 0; i < Math.max(1, sourceAddresses); i++) {
      HttpClient http = new HttpClient();
      http.setExecutor(threads);
      if (sourceAddresses > 0) {
        http.setBindAddress(new java.net.InetSocketAddress("127.0.0." + (2 + i), 0));
      }
      WebSocketClient client = new WebSocketClient(http);
      client.setIdleTimeout(java.time.Duration.ofMinutes(5));
      client.start();
      clients.add(client);
    }
  }

  private WebSocketClient clientFor(Author a) {
    return clients.get(a.index % clients.size());
  }

  // ---- typing ----

  /** One typing run of {@code docs} fresh documents × {@code perDoc} authors; its result. */
  private ObjectNode typing(int perDoc, String scenarioName, int everySeconds) throws Exception {
    System.out.printf("loadgen: %s scenario %s: %s docs=%d authors=%d viewers=%d rate=%s warmup=%ds duration=%ds seed=%d%n",
        label, scenarioName, urls, docs, perDoc, viewers, rate == 0 ? "closed-loop" : rate + "/s", warmup, duration, seed);
    LoadRun run = new LoadRun(rate);
    List<List<Author>> groups = new ArrayList<>();
    List<Author> all = new ArrayList<>();
    int members = perDoc + viewers;
    for (int d = 0; d < docs; d++) {
      List<Author> group = new ArrayList<>();
      for (int j = 0; j < members; j++) {
        int k = d * members + j;
        Author a = new Author(run, k, k % urls.size(), urls.get(k % urls.size()),
            "lg-" + runId + "-" + scenarioName + "-" + d, j < perDoc, seed * 1_000_003L + k);
        group.add(a);
        all.add(a);
      }
      groups.add(group);
    }
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "loadgen-ticker");
      t.setDaemon(true);
      return t;
    });
    try {
      // Connect and hand-shake everyone, then the first author of each document creates it, then
      // everyone else subscribes (the creator subscribed before creating).
      long connectStart = System.nanoTime();
      bounded(all, ramp, this::connectAndHandshake);
      bounded(groups.stream().map(g -> g.get(0)).toList(), 0, a -> a.subscribe().thenCompose(x -> a.create(START_TEXT)));
      bounded(all.stream().filter(a -> a.index % members != 0).toList(), 0, Author::subscribe);
      double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
      System.out.printf("loadgen: %d connections open, %d documents created (%.1f s)%n", all.size(), docs, connectSeconds);
      failIfAny(run);

      long began = System.nanoTime();
      long start = began + TimeUnit.SECONDS.toNanos(warmup);
      long end = start + TimeUnit.SECONDS.toNanos(duration);
      List<Author> typists = all.stream().filter(a -> a.typing).toList();
      java.util.SplittableRandom phases = new java.util.SplittableRandom(seed);
      for (Author a : typists) {
        // Spread the first keystrokes over one interval, so authors do not type in lockstep.
        a.startTyping(began + (rate == 0 ? 0 : phases.nextLong(run.intervalNanos)));
      }
      if (rate > 0) {
        ticker.scheduleAtFixedRate(() -> {
          long now = System.nanoTime();
          for (Author a : typists) {
            a.tick(now);
          }
        }, 0, 2, TimeUnit.MILLISECONDS);
      }
      sleepUntil(start);
      run.openWindow(start, end);
      List<Long> self = List.of(ProcessHandle.current().pid());
      java.util.Map<Long, Double> serverStart = cpu(serverPids);
      java.util.Map<Long, Double> serviceStart = cpu(services());
      java.util.Map<Long, Double> selfStart = cpu(self);
      if (everySeconds > 0) {
        intervals(run, start, end, everySeconds, scenarioName);
      }
      sleepUntil(end);
      double serverCpu = cpuSince(serverStart);
      double serviceCpu = cpuSince(serviceStart);
      double loadCpu = cpuSince(selfStart);
      run.stop();
      ticker.shutdownNow();

      Settled settled = settle(run, groups);
      Histogram[] totals = run.totals();
      Histogram ack = totals[0];
      Histogram remote = totals[1];
      Histogram cross = totals[2];
      boolean multi = urls.size() > 1;
      Histogram delivery = multi ? cross : remote;

      ObjectNode r = Frame.JSON.createObjectNode();
      r.put("label", label).put("scenario", scenarioName).put("mode", "typing").put("docs", docs).put("authors", perDoc)
          .put("viewers", viewers).put("servers", urls.size()).put("seed", seed).put("rate", rate)
          .put("duration_s", duration).put("connect_s", connectSeconds)
          .put("ops_per_s", run.acksInWindow.sum() / (double) duration)
          .put("ops_in_window", run.acksInWindow.sum())
          .put("keystrokes_per_s", run.keysInWindow.sum() / (double) duration)
          .put("keystrokes_acked_per_s", run.keysAckedInWindow.sum() / (double) duration);
      percentiles(r, "ack", ack);
      percentiles(r, "remote", delivery);
      percentiles(r, "remote_any", remote);
      r.put("remote_samples", delivery.getTotalCount());
      r.put("followed_ops", ack.getTotalCount());
      r.put("errors", run.failures.size());
      r.put("gaps", run.gaps.get());
      r.put("total_versions", settled.totalVersions);
      r.put("converged", settled.converged);
      r.put("load_cpu_s", loadCpu);
      if (!serverPids.isEmpty()) {
        r.put("server_cpu_s", serverCpu);
      } else {
        r.putNull("server_cpu_s");
      }
      if (!serviceStart.isEmpty()) {
        r.put("service_cpu_s", serviceCpu);
      }
      r.put("load_average", loadAverage());
      System.out.printf("loadgen: %s (%s): %.0f durable ops/s (%.0f keystrokes/s), ack p50 %.2f p99 %.2f ms, "
              + "remote%s p50 %.2f p95 %.2f p99 %.2f ms (%d samples); %d failures; %d gaps filled; converged: %s; "
              + "cpu in window: load %.2f s, servers %.2f s, services %.2f s%n",
          label, scenarioName, r.get("ops_per_s").asDouble(), r.get("keystrokes_per_s").asDouble(),
          ms(ack, 50), ms(ack, 99), multi ? " (other server)" : "", ms(delivery, 50), ms(delivery, 95), ms(delivery, 99),
          delivery.getTotalCount(), run.failures.size(), run.gaps.get(), settled.converged, loadCpu, serverCpu,
          serviceCpu);
      run.failures.stream().limit(10).forEach(f -> System.out.println("loadgen: failure: " + f));
      if (histograms != null) {
        writeHistograms(scenarioName, ack, remote, cross);
      }
      return r;
    } finally {
      run.beginClosing();
      all.forEach(Author::close);
      ticker.shutdownNow();
    }
  }

  /** The soak's report: every {@code seconds} in the window, that interval's figures (and heap). */
  private void intervals(LoadRun run, long start, long end, int seconds, String scenarioName) throws Exception {
    long acksBefore = 0;
    int failuresBefore = 0;
    for (long t = start + TimeUnit.SECONDS.toNanos(seconds); t <= end; t += TimeUnit.SECONDS.toNanos(seconds)) {
      sleepUntil(t);
      Histogram[] h = run.drainInterval();
      long acks = run.acksInWindow.sum();
      int failures = run.failures.size();
      ObjectNode line = Frame.JSON.createObjectNode();
      line.put("label", label).put("scenario", scenarioName).put("t_s", (t - start) / 1e9)
          .put("ops_per_s", (acks - acksBefore) / (double) seconds)
          .put("errors", failures).put("new_errors", failures - failuresBefore);
      percentiles(line, "ack", h[0]);
      percentiles(line, "remote", h[1]);
      if (heap != null) {
        HeapProbe.Reading reading = new HeapProbe(heap).read();
        line.put("heap_used_bytes", reading.heapUsed()).put("rss_bytes", reading.rss());
      }
      line.put("load_average", loadAverage());
      acksBefore = acks;
      failuresBefore = failures;
      emit("interval", line);
    }
  }

  // ---- find-max ----

  /** Raises the authors per document until a step misses the threshold; the last passing step. */
  private int findMax() throws Exception {
    ArrayNode steps = Frame.JSON.createArrayNode();
    int best = 0;
    String stoppedBy = "max-authors";
    for (int a = authors; a <= maxAuthors; a += step) {
      ObjectNode r = typing(a, scenario + "-" + a, 0);
      boolean correct = r.get("errors").asInt() == 0 && r.get("converged").asBoolean();
      boolean within = !r.get("remote_p95_ms").isNull() && r.get("remote_p95_ms").asDouble() <= thresholdMs;
      r.put("pass", correct && within);
      steps.add(r);
      emit("step", r);
      if (!correct) {
        stoppedBy = "failure";
        break;
      }
      if (!within) {
        stoppedBy = "threshold";
        break;
      }
      best = a;
    }
    ObjectNode r = Frame.JSON.createObjectNode();
    r.put("label", label).put("scenario", scenario).put("mode", "find-max").put("docs", docs).put("rate", rate)
        .put("threshold_ms", thresholdMs).put("max_authors", best).put("stopped_by", stoppedBy)
        .put("seed", seed).put("load_average", loadAverage());
    r.set("steps", steps);
    System.out.printf("loadgen: %s find-max: %d authors per document within p95 %.0f ms at %d keystrokes/s each (stopped by %s)%n",
        label, best, thresholdMs, rate, stoppedBy);
    emit("result", r);
    result = r;
    return "failure".equals(stoppedBy) ? 1 : 0;
  }

  // ---- idle ----

  /**
   * Opens one creator per document and {@code connections} idle subscribers, holds them silent for
   * {@code hold} seconds, and checks that every one is still open and saw nothing go wrong.
   */
  private int idle() throws Exception {
    System.out.printf("loadgen: %s scenario %s: idle %d connections over %d documents, %s, ramp %s, hold %ds, seed %d%n",
        label, scenario, connections, docs, sourceAddresses == 0 ? "default source address"
            : sourceAddresses + " source addresses", ramp == 0 ? "unpaced" : ramp + "/s", hold, seed);
    LoadRun run = new LoadRun(0);
    List<Author> creators = new ArrayList<>();
    for (int d = 0; d < docs; d++) {
      creators.add(new Author(run, d, d % urls.size(), urls.get(d % urls.size()), "lg-" + runId + "-" + d, false,
          seed * 1_000_003L + d));
    }
    List<Author> idle = new ArrayList<>(connections);
    for (int i = 0; i < connections; i++) {
      int k = docs + i;
      idle.add(new Author(run, k, k % urls.size(), urls.get(k % urls.size()), creators.get(i % docs).docId, false,
          seed * 1_000_003L + k));
    }
    Histogram setup = new Histogram(3);
    try {
      bounded(creators, 0, a -> connectAndHandshake(a).thenCompose(x -> a.subscribe()).thenCompose(x -> a.create(START_TEXT)));
      failIfAny(run);
      HeapProbe probe = heap == null ? null : new HeapProbe(heap);
      HeapProbe.Reading before = probe == null ? null : probe.read();
      long began = System.nanoTime();
      bounded(idle, ramp, a -> {
        long t0 = System.nanoTime();
        return connectAndHandshake(a).thenCompose(x -> a.subscribe()).whenComplete((x, e) -> {
          synchronized (setup) {
            setup.recordValue(Math.max(0, (System.nanoTime() - t0) / 1000));
          }
        });
      });
      double connectSeconds = (System.nanoTime() - began) / 1e9;
      failIfAny(run);
      System.out.printf("loadgen: %d idle connections open in %.1f s%n", connections, connectSeconds);
      HeapProbe.Reading after = probe == null ? null : probe.read();
      sleepUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(hold));
      long held = idle.stream().filter(Author::held).count();
      long creatorsHeld = creators.stream().filter(Author::held).count();
      // Nothing was typed after the creates: every subscriber must be at version 1.
      long atHead = idle.stream().filter(a -> a.version() == 1).count();
      ObjectNode r = Frame.JSON.createObjectNode();
      r.put("label", label).put("scenario", scenario).put("mode", "idle").put("docs", docs)
          .put("servers", urls.size()).put("connections", connections).put("held", held)
          .put("creators_held", creatorsHeld).put("at_head", atHead)
          .put("source_addresses", sourceAddresses).put("ramp", ramp).put("hold_s", hold)
          .put("connect_s", connectSeconds).put("connects_per_s", connections / Math.max(connectSeconds, 1e-9));
      percentiles(r, "setup", setup);
      if (before != null) {
        r.put("heap_before_bytes", before.heapUsed()).put("heap_after_bytes", after.heapUsed())
            .put("heap_per_connection_bytes", (after.heapUsed() - before.heapUsed()) / (double) Math.max(1, connections))
            .put("rss_before_bytes", before.rss()).put("rss_after_bytes", after.rss())
            .put("rss_per_connection_bytes", (after.rss() - before.rss()) / (double) Math.max(1, connections));
      }
      r.put("errors", run.failures.size()).put("seed", seed).put("load_average", loadAverage());
      System.out.printf("loadgen: %s idle: %d of %d connections held after %d s; setup p50 %.1f p99 %.1f ms; %s%d failures%n",
          label, held, connections, hold, ms(setup, 50), ms(setup, 99),
          before == null ? "" : String.format("heap per connection %.0f bytes (%.1f MB before, %.1f MB after); ",
              r.get("heap_per_connection_bytes").asDouble(), before.heapUsed() / 1e6, after.heapUsed() / 1e6),
          run.failures.size());
      run.failures.stream().limit(10).forEach(f -> System.out.println("loadgen: failure: " + f));
      emit("result", r);
      result = r;
      return held == connections && creatorsHeld == docs && atHead == connections && run.failures.isEmpty() ? 0 : 1;
    } finally {
      run.beginClosing();
      creators.forEach(Author::close);
      idle.forEach(Author::close);
    }
  }

  // ---- shared ----

  private CompletableFuture<Frame> connectAndHandshake(Author a) {
    return connect(clientFor(a), a).thenCompose(session -> {
      a.opened(session);
      return a.handshake();
    });
  }

  /** Prints {@code kind {json}} and appends the JSON to --out. */
  private void emit(String kind, ObjectNode line) throws java.io.IOException {
    System.out.println(kind + " " + line);
    if (out != null) {
      Files.writeString(out, kind + " " + line + "\n", java.nio.charset.StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
    if (!"result".equals(kind)) {
      lines.add(line);
    }
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The set-up must not have failed: measuring a broken run would only mislead. */
  private static void failIfAny(LoadRun run) {
    if (!run.failures.isEmpty()) {
      throw new IllegalStateException("set-up failed: " + String.join("; ", run.failures));
    }
  }

  private static CompletableFuture<org.eclipse.jetty.websocket.api.Session> connect(WebSocketClient client, Author a) {
    try {
      return client.connect(a, a.url);
    } catch (java.io.IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Runs {@code step} for every author, at most {@code connectParallelism} at a time, and with
   * {@code perSecond} > 0 started at that pace (a connection ramp); waits for all.
   */
  private void bounded(List<Author> authors, int perSecond, Function<Author, CompletableFuture<?>> step) throws Exception {
    Semaphore permits = new Semaphore(connectParallelism);
    List<CompletableFuture<?>> all = new ArrayList<>();
    long began = System.nanoTime();
    int started = 0;
    for (Author a : authors) {
      if (perSecond > 0) {
        sleepUntil(began + started * 1_000_000_000L / perSecond);
      }
      started++;
      permits.acquire();
      CompletableFuture<?> f = step.apply(a).orTimeout(60, TimeUnit.SECONDS);
      f.whenComplete((x, e) -> permits.release());
      all.add(f);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
  }

  private record Settled(boolean converged, long totalVersions) {}

  /**
   * The end: every op acknowledged, every member at its document's head, and the snapshot each
   * member's server returns identical across members and equal to what the members tracked.
   */
  private Settled settle(LoadRun run, List<List<Author>> groups) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settle);
    List<Author> all = groups.stream().flatMap(List::stream).toList();
    // A member stopped by a failure (a refused op, a lost connection) is counted in the failures
    // already; the others must still settle and agree.
    boolean converged = awaitCondition(() -> all.stream().noneMatch(a -> !a.failed() && a.inflight()), deadline,
        "the last acks", run);
    long totalVersions = 0;
    for (List<Author> group : groups) {
      List<Author> live = group.stream().filter(a -> !a.failed()).toList();
      long head = group.stream().mapToLong(Author::version).max().orElse(0);
      totalVersions += head;
      if (live.isEmpty()) {
        converged = false;
        continue;
      }
      if (!awaitCondition(() -> live.stream().allMatch(a -> a.version() >= head), deadline,
          "every member of " + group.get(0).docId + " at v" + head, run)) {
        converged = false;
        continue;
      }
      if (live.size() == group.size()) {
        long acked = group.stream().mapToLong(Author::acked).sum();
        if (head != 1 + acked) {
          run.failure(group.get(0).docId + ": version " + head + " but " + acked + " ops acked after the create");
          converged = false;
        }
      }
      JsonNode first = null;
      for (Author a : live) {
        JsonNode data = a.fetch().get(60, TimeUnit.SECONDS).data;
        long v = data.path("v").asLong(-1);
        if (v != a.version() || Frame.length(data.get("data")) != a.length()) {
          run.failure(a.docId + ": member " + a.index + " tracked v" + a.version() + " length " + a.length()
              + ", its server returned v" + v + " length " + Frame.length(data.get("data")));
          converged = false;
        }
        JsonNode contents = data.get("data");
        if (first == null) {
          first = contents;
        } else if (!first.equals(contents)) {
          run.failure(a.docId + ": member " + a.index + " (server " + a.server + ") sees other contents");
          converged = false;
        }
      }
    }
    return new Settled(converged, totalVersions);
  }

  /** Waits for {@code condition} until {@code deadline}; false (a failure of the run) if it never holds. */
  private static boolean awaitCondition(java.util.function.BooleanSupplier condition, long deadline, String what,
      LoadRun run) throws InterruptedException {
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        run.failure("timed out waiting for " + what);
        return false;
      }
      Thread.sleep(10); // polling a condition with a deadline, off the measured path
    }
    return true;
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static void percentiles(ObjectNode r, String name, Histogram h) {
    if (h.getTotalCount() == 0) {
      r.putNull(name + "_p50_ms").putNull(name + "_p95_ms").putNull(name + "_p99_ms").putNull(name + "_max_ms");
      return;
    }
    r.put(name + "_p50_ms", ms(h, 50)).put(name + "_p95_ms", ms(h, 95)).put(name + "_p99_ms", ms(h, 99))
        .put(name + "_max_ms", h.getMaxValue() / 1000.0);
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  private void writeHistograms(String scenarioName, Histogram ack, Histogram remote, Histogram cross) throws java.io.IOException {
    Files.createDirectories(histograms);
    for (var e : java.util.Map.of("ack", ack, "remote", remote, "cross", cross).entrySet()) {
      try (var file = new java.io.PrintStream(Files.newOutputStream(histograms.resolve(label + "-" + scenarioName + "-" + e.getKey() + ".hgrm")))) {
        e.getValue().outputPercentileDistribution(file, 1000.0);
      }
    }
  }

  /**
   * The processes whose CPU counts as services': {@code --service-pids}, and those whose command
   * name ({@code /proc/PID/comm}, what {@code pgrep -x} matches; readable for any user's process)
   * is one of {@code --service-commands} now.
   */
  List<Long> services() {
    List<Long> pids = new ArrayList<>(servicePids);
    if (!serviceCommands.isEmpty()) {
      ProcessHandle.allProcesses().forEach(p -> {
        try {
          String comm = Files.readString(Path.of("/proc", Long.toString(p.pid()), "comm")).strip();
          if (serviceCommands.contains(comm) && !pids.contains(p.pid())) {
            pids.add(p.pid());
          }
        } catch (java.io.IOException | RuntimeException e) {
          // exited meanwhile
        }
      });
    }
    return pids;
  }

  /** CPU seconds (user + system) each process has used so far, from /proc; exited ones are left out. */
  static java.util.Map<Long, Double> cpu(List<Long> pids) {
    java.util.Map<Long, Double> used = new java.util.HashMap<>();
    for (long pid : pids) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        used.put(pid, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0); // utime, stime (USER_HZ)
      } catch (java.io.IOException | RuntimeException e) {
        // exited (a PostgreSQL backend whose connection closed): not counted
      }
    }
    return used;
  }

  /**
   * The CPU seconds used since {@code start} by the processes still alive: one that exited in
   * between (a pool closing a PostgreSQL connection) would otherwise make the sum negative.
   */
  static double cpuSince(java.util.Map<Long, Double> start) {
    double total = 0;
    for (var e : cpu(List.copyOf(start.keySet())).entrySet()) {
      total += e.getValue() - start.get(e.getKey());
    }
    return total;
  }
}
