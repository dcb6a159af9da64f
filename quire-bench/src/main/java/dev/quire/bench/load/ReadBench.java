package dev.quire.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read side of the replica benchmark (quire-bench/replica-bench.sh), against one server in
 * open mode:
 *
 * <ul>
 *   <li>{@code seed URL DOCS OPS WORKERS}: documents {@code rb1 … rbDOCS}, each a create of about
 *       1.5 KB of text and OPS−1 small edits, over the ShareDB protocol, WORKERS at a time;
 *   <li>{@code opens URL DOCS OPS WORKERS}: fetches every document once (a cold open: none is in
 *       the server's memory yet), WORKERS connections at a time, checking each is at version OPS;
 *   <li>{@code history URL DOCS OPS WORKERS SECONDS SEED}: WORKERS clients read random documents at
 *       random versions through {@code GET /api/documents/{id}/history?version=N} for SECONDS,
 *       checking each answer's version.
 * </ul>
 *
 * Prints one line {@code result {json}}: the count, seconds, rate and errors.
 */
public final class ReadBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TEXT = ("Quire keeps every version of a document. ").repeat(36) + "\n";

  private ReadBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String http = args[1];
    int docs = Integer.parseInt(args[2]);
    int ops = Integer.parseInt(args[3]);
    int workers = Integer.parseInt(args[4]);
    String ws = http.replaceFirst("^http", "ws") + "/ws";
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong nextDoc = new AtomicLong(1);
    long started = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      int worker = w;
      Runnable body = switch (mode) {
        case "seed" -> () -> seed(ws, docs, ops, nextDoc, done, errors);
        case "opens" -> () -> opens(ws, docs, ops, nextDoc, done, errors);
        case "history" -> () -> history(http, docs, ops, Integer.parseInt(args[5]),
            Long.parseLong(args[6]) + worker, done, errors);
        default -> throw new IllegalArgumentException("mode is seed, opens or history, not " + mode);
      };
      Thread t = new Thread(body, "readbench-" + w);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.println("result " + String.format(Locale.ROOT,
        "{\"mode\":\"%s\",\"count\":%d,\"errors\":%d,\"seconds\":%.2f,\"perSecond\":%.1f}",
        mode, done.get(), errors.get(), seconds, done.get() / seconds));
    System.exit(errors.get() == 0 ? 0 : 1);
  }

  private static void seed(String ws, int docs, int ops, AtomicLong next, AtomicLong done, AtomicLong errors) {
    try (Conn c = Conn.open(ws)) {
      long seq = 0;
      for (long i = next.getAndIncrement(); i <= docs; i = next.getAndIncrement()) {
        String id = "rb" + i;
        JsonNode ack = c.ask("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"" + id + "\",\"v\":null,\"seq\":" + (++seq)
            + ",\"create\":{\"type\":\"rich-text\",\"data\":[{\"insert\":\"" + TEXT.replace("\n", "\\n") + "\"}]}}");
        check(ack, errors);
        for (int v = 1; v < ops; v++) {
          check(c.ask("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"" + id + "\",\"v\":" + v + ",\"seq\":" + (++seq)
              + ",\"op\":[{\"retain\":" + (v * 7 % 1000) + "},{\"insert\":\"edit " + v + " \"}]}"), errors);
        }
        done.incrementAndGet();
      }
    }
  }

  private static void opens(String ws, int docs, int ops, AtomicLong next, AtomicLong done, AtomicLong errors) {
    try (Conn c = Conn.open(ws)) {
      for (long i = next.getAndIncrement(); i <= docs; i = next.getAndIncrement()) {
        JsonNode r = c.ask("{\"a\":\"f\",\"c\":\"docs\",\"d\":\"rb" + i + "\",\"v\":null}");
        if (r.has("error") || r.path("data").path("v").asLong() != ops) {
          errors.incrementAndGet();
          System.err.println("readbench: fetch of rb" + i + ": " + r);
        }
        done.incrementAndGet();
      }
    }
  }

  private static void history(String http, int docs, int ops, int seconds, long seed, AtomicLong done,
      AtomicLong errors) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    SplittableRandom random = new SplittableRandom(seed);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      long doc = 1 + random.nextInt(docs);
      int version = 1 + random.nextInt(ops);
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create(http + "/api/documents/rb" + doc + "/history?version=" + version)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || JSON.readTree(r.body()).path("version").asLong() != version) {
          errors.incrementAndGet();
          System.err.println("readbench: history of rb" + doc + " at " + version + ": " + r.statusCode() + " " + r.body());
        }
      } catch (Exception e) {
        errors.incrementAndGet();
        System.err.println("readbench: history of rb" + doc + ": " + e);
      }
      done.incrementAndGet();
    }
  }

  private static void check(JsonNode reply, AtomicLong errors) {
    if (reply.has("error")) {
      errors.incrementAndGet();
      System.err.println("readbench: " + reply);
    }
  }

  /** One WebSocket, used strictly one request at a time (nothing is subscribed, so nothing else arrives). */
  private static final class Conn implements WebSocket.Listener, AutoCloseable {
    private final LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static Conn open(String url) {
      Conn c = new Conn();
      c.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), c).join();
      c.ask("{\"a\":\"hs\",\"id\":null,\"protocol\":1,\"protocolMinor\":2}");
      return c;
    }

    JsonNode ask(String message) {
      socket.sendText(message, true).join();
      try {
        String reply = replies.poll(60, TimeUnit.SECONDS);
        if (reply == null) {
          throw new IllegalStateException("no reply within 60 s to " + message.substring(0, Math.min(80, message.length())));
        }
        return JSON.readTree(reply);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        replies.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public void close() {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
    }

    @Override
    public CompletableFuture<?> onClose(WebSocket ws, int code, String reason) {
      return null;
    }
  }
}
