package dev.quire.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The load generator of docs/BENCHMARKS.md: DOCS documents × AUTHORS typing authors (+ VIEWERS idle
 * subscribers each) over one WebSocket each, spread round-robin over the given servers (member k of
 * all documents' members connects to server k mod N, so every document has members on every
 * server). It speaks the ShareDB protocol, so it measures Quire and the reference ShareDB servers
 * alike, and it is cheap per message (see {@link Author}), so it can drive a hot document with 100
 * authors on the same 2 cores as the servers, where the npm client spent more CPU than the server.
 *
 * <p>Measured after the warm-up, for DURATION seconds: durable ops/s (acks; both servers ack only
 * after the commit), keystrokes/s, ack latency (first keystroke of an op → its ack) and
 * remote-delivery latency (first keystroke → the op's arrival at another member of the document;
 * "cross" counts only members on another server), as HdrHistogram percentiles. Then it stops
 * typing, waits for the last acks and for every member to reach its document's head, fetches each
 * document through each member's own server and checks: the same contents and version
 * everywhere, equal to what the member tracked, and the version equal to 1 + the acked ops (every
 * acknowledged op stored exactly once). Any failed op or divergence fails the run (exit 1). A
 * version gap (an op a connection was never sent) is filled the way the npm client fills it, by
 * asking for the ops from its version, and counted ("gaps filled"), not failed.
 *
 * <p>Loopback only, bounded: connections, documents and time are fixed by the options.
 * Prints a summary and one line {@code result {json}} (the fields of cluster-report.js and more).
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true,
    description = "Drives ShareDB-protocol servers with typing authors and measures throughput and latency.")
public final class LoadGen implements Callable<Integer> {
  @Option(names = "--urls", required = true, split = ",", description = "WebSocket URLs, e.g. ws://127.0.0.1:8080/ws")
  List<URI> urls;

  @Option(names = "--docs", defaultValue = "1")
  int docs;

  @Option(names = "--authors", defaultValue = "5", description = "typing authors per document")
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

  @Option(names = "--connect-parallelism", defaultValue = "64")
  int connectParallelism;

  @Option(names = "--settle", defaultValue = "60", description = "seconds allowed for the last acks and convergence")
  int settle;

  @Option(names = "--histograms", description = "write the latency histograms (HdrHistogram percentile text) here")
  Path histograms;

  /** The last run's result line (also printed); for tests. */
  ObjectNode result;

  static final String START_TEXT = "The quick brown fox jumps over the lazy dog.\n".repeat(20);

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
    if (seed < 0) {
      seed = System.nanoTime() & 0xffffffffL;
    }
    String runId = label + "-" + scenario + "-" + seed + "-" + Long.toString(System.currentTimeMillis(), 36);
    System.out.printf("loadgen: %s scenario %s: %s docs=%d authors=%d viewers=%d rate=%s warmup=%ds duration=%ds seed=%d%n",
        label, scenario, urls, docs, authors, viewers, rate == 0 ? "closed-loop" : rate + "/s", warmup, duration, seed);

    LoadRun run = new LoadRun(rate);
    List<List<Author>> groups = new ArrayList<>();
    List<Author> all = new ArrayList<>();
    int members = authors + viewers;
    for (int d = 0; d < docs; d++) {
      List<Author> group = new ArrayList<>();
      for (int j = 0; j < members; j++) {
        int k = d * members + j;
        Author a = new Author(run, k, k % urls.size(), urls.get(k % urls.size()), "lg-" + runId + "-" + d, j < authors, seed * 1_000_003L + k);
        group.add(a);
        all.add(a);
      }
      groups.add(group);
    }

    QueuedThreadPool threads = new QueuedThreadPool(Math.max(8, Runtime.getRuntime().availableProcessors() * 4));
    threads.setName("loadgen");
    threads.setDaemon(true);
    HttpClient http = new HttpClient();
    http.setExecutor(threads);
    WebSocketClient client = new WebSocketClient(http);
    client.setIdleTimeout(java.time.Duration.ofMinutes(5));
    client.start();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "loadgen-ticker");
      t.setDaemon(true);
      return t;
    });
    try {
      // Connect and hand-shake everyone, then the first author of each document creates it, then
      // everyone else subscribes (the creator subscribed before creating).
      bounded(all, a -> connect(client, a).thenCompose(session -> {
        a.opened(session);
        return a.handshake();
      }));
      bounded(groups.stream().map(g -> g.get(0)).toList(), a -> a.subscribe().thenCompose(x -> a.create(START_TEXT)));
      bounded(all.stream().filter(a -> a.index % members != 0).toList(), Author::subscribe);
      System.out.printf("loadgen: %d connections open, %d documents created%n", all.size(), docs);
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
      java.util.Map<Long, Double> serviceStart = cpu(servicePids);
      java.util.Map<Long, Double> selfStart = cpu(self);
      sleepUntil(end);
      double serverCpu = cpuSince(serverStart);
      double serviceCpu = cpuSince(serviceStart);
      double loadCpu = cpuSince(selfStart);
      run.stop();
      ticker.shutdownNow();

      Settled settled = settle(run, groups);
      Histogram ack = run.ackHistogram();
      Histogram remote = run.remoteHistogram();
      Histogram cross = run.crossHistogram();
      boolean multi = urls.size() > 1;
      Histogram delivery = multi ? cross : remote;

      ObjectNode r = Frame.JSON.createObjectNode();
      r.put("label", label).put("scenario", scenario).put("docs", docs).put("authors", authors)
          .put("viewers", viewers).put("servers", urls.size()).put("seed", seed).put("rate", rate)
          .put("duration_s", duration)
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
      if (!servicePids.isEmpty()) {
        r.put("service_cpu_s", serviceCpu);
      }
      System.out.printf("loadgen: %s (%s): %.0f durable ops/s (%.0f keystrokes/s), ack p50 %.2f p99 %.2f ms, "
              + "remote%s p50 %.2f p99 %.2f ms (%d samples); %d failures; %d gaps filled; converged: %s; "
              + "cpu in window: load %.2f s, servers %.2f s, services %.2f s%n",
          label, scenario, r.get("ops_per_s").asDouble(), r.get("keystrokes_per_s").asDouble(),
          ms(ack, 50), ms(ack, 99), multi ? " (other server)" : "", ms(delivery, 50), ms(delivery, 99),
          delivery.getTotalCount(), run.failures.size(), run.gaps.get(), settled.converged, loadCpu, serverCpu,
          serviceCpu);
      run.failures.stream().limit(10).forEach(f -> System.out.println("loadgen: failure: " + f));
      System.out.println("result " + r);
      result = r;
      if (histograms != null) {
        writeHistograms(ack, remote, cross);
      }
      return run.failures.isEmpty() && settled.converged ? 0 : 1;
    } finally {
      run.beginClosing();
      all.forEach(Author::close);
      ticker.shutdownNow();
      client.stop();
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

  /** Runs {@code step} for every author, at most {@code connectParallelism} at a time; waits for all. */
  private void bounded(List<Author> authors, Function<Author, CompletableFuture<?>> step) throws Exception {
    Semaphore permits = new Semaphore(connectParallelism);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (Author a : authors) {
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

  private void writeHistograms(Histogram ack, Histogram remote, Histogram cross) throws java.io.IOException {
    Files.createDirectories(histograms);
    for (var e : java.util.Map.of("ack", ack, "remote", remote, "cross", cross).entrySet()) {
      try (var out = new java.io.PrintStream(Files.newOutputStream(histograms.resolve(label + "-" + scenario + "-" + e.getKey() + ".hgrm")))) {
        e.getValue().outputPercentileDistribution(out, 1000.0);
      }
    }
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
