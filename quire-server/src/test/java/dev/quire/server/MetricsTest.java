package dev.quire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.ProtocolTestServer;
import dev.quire.server.testing.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} serves Prometheus text, and the meters follow what the server does. */
class MetricsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int OPS = 5;

  @TempDir Path tmp;
  ProtocolTestServer server;
  int port;

  @BeforeEach
  void start() {
    server = ProtocolTestServer.start(tmp, Map.of("host", "127.0.0.1"));
    port = server.uri().getPort();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void committedOpsConnectionsDocumentsAndCommitLatencyAppearInTheScrape() {
    String doc = ProtocolTestServer.newId("metrics");
    try (WsClient c = server.client()) {
      ack(c, Msg.create(doc, 1, "Hello"));
      for (int i = 0; i < OPS; i++) {
        ack(c, Msg.insert(doc, 1 + i, 2 + i, 0, "x"));
      }
      Map<String, Double> m = awaitMetrics(s -> value(s, "quire_connections") == 1);
      assertTrue(value(m, "quire_ops_committed_total") >= OPS + 1, m::toString);
      assertTrue(value(m, "quire_documents_open") >= 1, m::toString);
      assertTrue(value(m, "quire_commit_latency_seconds_count") >= 1, m::toString);
      assertTrue(value(m, "quire_commit_batch_size_count") >= 1, m::toString);
      assertEquals(0, value(m, "quire_submissions_pending"), "every op was answered");
    }
    awaitMetrics(s -> value(s, "quire_connections") == 0);
  }

  @Test
  void aRefusedOpIsCountedUnderItsErrorCode() {
    String code = "ERR_DOC_DOES_NOT_EXIST";
    String refused = "quire_ops_refused_total{code=\"" + code + "\"}";
    double before = value(scrape(), refused);
    try (WsClient c = server.client()) {
      JsonNode reply = c.request(Msg.insert(ProtocolTestServer.newId("never-created"), 0, 1, 0, "x"),
          Msg.ackOrError(1));
      assertEquals(code, Msg.errorCode(reply), reply::toString);
    }
    Map<String, Double> m = scrape();
    assertEquals(before + 1, value(m, refused), m::toString);
    assertEquals(0, value(m, "quire_submissions_pending"), "the refused op was answered");
  }

  @Test
  void theScrapeIsPrometheusTextThatIsNeverCached() throws Exception {
    HttpResponse<String> r = get();
    assertEquals(200, r.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
    assertTrue(r.body().contains("# TYPE quire_connections gauge"), r.body());
  }

  private static void ack(WsClient c, JsonNode op) {
    JsonNode reply = c.request(op, Msg.ackOrError(op.get("seq").asLong()));
    assertFalse(Msg.isError(reply), reply::toString);
  }

  /** Scrapes until {@code done} holds, up to the client timeout (gauges follow closes a bit later). */
  private Map<String, Double> awaitMetrics(Predicate<Map<String, Double>> done) {
    long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
    Map<String, Double> m = scrape();
    while (!done.test(m)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("metrics never got there: " + m);
      }
      Thread.onSpinWait();
      m = scrape();
    }
    return m;
  }

  /** Series → value, from lines {@code name{tags} value}; comments skipped. */
  private Map<String, Double> scrape() {
    try {
      HttpResponse<String> r = get();
      assertEquals(200, r.statusCode(), r::body);
      Map<String, Double> out = new HashMap<>();
      for (String line : r.body().split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int space = line.lastIndexOf(' ');
        out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError("scrape failed", e);
    }
  }

  private HttpResponse<String> get() throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(20)).build();
    return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
  }

  /** A series' value, 0 when absent (a counter not yet incremented). */
  private static double value(Map<String, Double> m, String series) {
    return m.getOrDefault(series, 0.0);
  }
}
