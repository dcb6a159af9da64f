package dev.quire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.TestServer;
import dev.quire.server.testing.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load and the checks that the cluster fault tests share: token-typing writers on two
 * servers, subscribers ("watchers") on both, and the verdict afterwards — every acknowledged op
 * is in its document exactly once at the version its ack named, versions are dense, both servers
 * serve the same snapshot, and every watcher received every version exactly once, in order.
 */
final class ClusterFaults {
  static final String INITIAL = "\u00b6";
  static final Pattern TOKEN = Pattern.compile("\\[w\\d+:\\d+\\]");
  static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ClusterFaults() {}

  static URI uri(TestServer s) {
    return URI.create(s.wsUrl());
  }

  /** A connection subscribed to {@code doc}, receiving every op from version {@code from} on. */
  record Watcher(String where, String doc, WsClient client, long from) {
    static Watcher on(TestServer server, String where, String doc) {
      WsClient c = WsClient.connect(uri(server));
      JsonNode reply = c.request(Msg.subscribe(doc), Msg.replyTo("s", doc));
      assertFalse(Msg.isError(reply), reply::toString);
      return new Watcher(where, doc, c, reply.get("data").get("v").asLong());
    }
  }

  /** The running writers: their threads and an ack counter to wait on. */
  static final class Load {
    final List<ResilientWriter> writers;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger acks = new AtomicInteger();
    private final List<Future<?>> running = new ArrayList<>();

    Load(List<ResilientWriter> writers, ExecutorService threads) {
      this.writers = writers;
      for (ResilientWriter w : writers) {
        running.add(threads.submit(() -> w.run(stop, acks::incrementAndGet, DEADLINE)));
      }
    }

    /** Waits until {@code more} further acks arrived; a writer that failed says why. */
    void awaitAcks(int more, String phase) throws Exception {
      int target = acks.get() + more;
      await(() -> acks.get() >= target || running.stream().anyMatch(Future::isDone),
          () -> phase + ": only " + acks.get() + " of " + target + " acks");
      rethrowFailures();
      assertTrue(acks.get() >= target, phase + ": a writer stopped early");
    }

    /** Lets every writer finish its op in flight, then stop. */
    void finish() throws Exception {
      stop.set(true);
      for (Future<?> f : running) {
        f.get(DEADLINE.toSeconds() + 30, TimeUnit.SECONDS);
      }
    }

    void close() {
      stop.set(true);
      running.forEach(f -> f.cancel(true));
      writers.forEach(ResilientWriter::close);
    }

    private void rethrowFailures() throws Exception {
      for (Future<?> f : running) {
        if (f.isDone()) {
          f.get();
        }
      }
    }
  }

  /** Creates the documents through {@code server}, each holding {@link #INITIAL}. */
  static List<String> createDocs(TestServer server, String prefix, int count) {
    List<String> docs = new ArrayList<>();
    try (WsClient c = WsClient.connect(uri(server))) {
      for (int i = 0; i < count; i++) {
        String doc = prefix + "-doc-" + i;
        JsonNode ack = c.request(Msg.create(doc, i + 1, INITIAL), Msg.ackOrError(i + 1));
        assertFalse(Msg.isError(ack), ack::toString);
        docs.add(doc);
      }
    }
    return docs;
  }

  /** GET /health/ready: its status code, or -1 when the server does not answer. */
  static int readiness(TestServer s) {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.server().port() + "/health/ready"))
        .timeout(Duration.ofSeconds(10)).build();
    try {
      return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Checks {@code condition} every few milliseconds until it holds; fails after {@link #DEADLINE}. */
  static void await(BooleanSupplier condition, java.util.function.Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + DEADLINE + ": " + what.get());
      }
      Thread.sleep(5); // polling interval of the condition, not a wait for time to pass
    }
  }

  /** The verdict on one document (see the class comment); {@code via} and {@code other} both serve it. */
  static void verify(TestServer via, TestServer other, String doc, List<ResilientWriter> writers,
      List<Watcher> watchers) {
    try (WsClient c = WsClient.connect(uri(via)); WsClient d = WsClient.connect(uri(other))) {
      JsonNode snapshot = c.request(Msg.fetch(doc), Msg.replyTo("f", doc)).get("data");
      long head = snapshot.get("v").asLong();
      JsonNode elsewhere = d.request(Msg.fetch(doc), Msg.replyTo("f", doc)).get("data");
      assertEquals(snapshot, elsewhere, doc + ": the two servers serve different snapshots");

      c.request(Msg.fetch(doc).put("v", 0), m -> "f".equals(m.path("a").asText()) && !m.has("data"));
      Map<Long, JsonNode> log = new HashMap<>();
      Set<String> sources = new HashSet<>();
      for (long v = 0; v < head; v++) {
        JsonNode op = c.next(Msg.pushedOp(doc, v));
        log.put(v, op);
        assertTrue(sources.add(op.get("src").asText() + "/" + op.get("seq").asLong()),
            doc + ": (src, seq) stored twice: " + op);
      }
      assertEquals(0, c.count(m -> "op".equals(m.path("a").asText())), doc + ": ops beyond the head " + head);
      assertTrue(log.get(0L).has("create"), doc + ": version 0 is the create");

      Map<String, Integer> seen = tokensIn(snapshot);
      int expected = 0;
      for (ResilientWriter w : writers) {
        for (ResilientWriter.Acked a : w.acked) {
          expected++;
          JsonNode op = log.get(a.version());
          assertTrue(op != null && op.get("src").asText().equals(w.src()) && op.get("seq").asLong() == a.seq(),
              doc + ": " + w.name + "'s op " + a + " is not at its acknowledged version: " + op);
          assertTrue(op.get("op").toString().contains(a.token()), doc + ": version " + a.version() + " is not " + a.token());
          assertEquals(1, seen.getOrDefault(a.token(), 0), doc + ": acknowledged token " + a.token() + " appears "
              + seen.getOrDefault(a.token(), 0) + " times");
        }
      }
      assertEquals(expected, seen.size(), doc + ": tokens nobody got an ack for: " + seen.keySet());
      assertEquals(expected + 1, head, doc + ": one version per acknowledged op, plus the create");

      for (Watcher w : watchers) {
        for (long v = w.from(); v < head; v++) {
          JsonNode op = w.client().poll(Msg.pushedOp(doc, v), WsClient.TIMEOUT);
          if (op == null) {
            throw new AssertionError(doc + ": the watcher on " + w.where() + " (from v" + w.from() + ", head " + head
                + ") never received version " + v + "; it has " + w.client().snapshot());
          }
          JsonNode stored = log.get(v);
          assertEquals(stored.get("src").asText() + "/" + stored.get("seq").asLong(),
              op.get("src").asText() + "/" + op.get("seq").asLong(), doc + ": the watcher on " + w.where()
              + " got another op at version " + v);
        }
        assertEquals(0, w.client().count(m -> "op".equals(m.path("a").asText()) && doc.equals(m.path("d").asText())),
            () -> doc + ": the watcher on " + w.where() + " got ops twice or beyond the head: " + w.client().snapshot());
      }
    }
  }

  /** Each token in the snapshot's text and how often; the rest must be the initial text. */
  private static Map<String, Integer> tokensIn(JsonNode snapshot) {
    StringBuilder text = new StringBuilder();
    for (JsonNode op : snapshot.get("data").get("ops")) {
      text.append(op.get("insert").asText());
    }
    Map<String, Integer> seen = new HashMap<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      seen.merge(m.group(), 1, Integer::sum);
    }
    assertEquals(INITIAL, TOKEN.matcher(text).replaceAll(""), "text besides the tokens");
    return seen;
  }
}
