package dev.quire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.json.DeltaJson;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredSnapshot;
import dev.quire.server.store.sqlite.SqliteStore;
import dev.quire.server.testing.NodeScript;
import dev.quire.server.testing.Seeds;
import dev.quire.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded randomized convergence ({@code src/test/node/convergence.js}): 8 sharedb clients on 3
 * documents, random edits, pauses and connection losses. Node checks that every client and a
 * fresh fetch agree; here, after the server has stopped, the store must hold the same: the op
 * log replayed from version 0 and the newest snapshot both equal what the clients ended with.
 * Replay a run with {@code -Dquire.seed=N}.
 */
class ConvergenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TOKEN = Pattern.compile("\\[c\\d+-\\d+\\]");

  @TempDir Path dir;

  @Test
  void clientsInsertingDeletingAndFormattingConvergeOnWhatTheServerStored() {
    converge("mixed");
  }

  @Test
  void everyAcknowledgedInsertAppearsExactlyOnce() {
    JsonNode result = converge("insert-only");
    int acked = 0;
    for (Map.Entry<String, JsonNode> doc : result.path("acked").properties()) {
      String text = textOf(result.path("docs").path(doc.getKey()).path("ops"));
      Map<String, Integer> counts = new HashMap<>();
      Matcher m = TOKEN.matcher(text);
      while (m.find()) {
        counts.merge(m.group(), 1, Integer::sum);
      }
      counts.forEach((token, n) -> assertEquals(1, n, token + " appears " + n + " times in " + doc.getKey()));
      for (JsonNode token : doc.getValue()) {
        assertEquals(1, counts.getOrDefault(token.asText(), 0), "acknowledged " + token + " in " + doc.getKey());
        acked++;
      }
    }
    assertTrue(acked > 0, "no insert was acknowledged");
  }

  /** Runs the Node side, then checks the store against its result; returns the result. */
  private JsonNode converge(String mode) {
    NodeScript.requireNode();
    long seed = Seeds.choose("ConvergenceTest " + mode);
    Path data = dir.resolve("data");
    JsonNode result;
    // Frequent snapshots, so that the snapshot checked below is not the only one written.
    try (TestServer server = TestServer.start(data, Map.of("snapshot-every", "20"))) {
      NodeScript.Result r = NodeScript.run(Duration.ofSeconds(120), "convergence.js", server.wsUrl(),
          "--seed", Long.toString(seed), "--mode", mode);
      List<String> lines = r.jsonLines();
      assertEquals(1, lines.size(), () -> "seed " + seed + ": expected one result line\n" + r.transcript());
      result = parse(lines.get(0));
      assertTrue(result.path("ok").asBoolean(), () -> "seed " + seed + " (" + mode + "): "
          + result.path("error").asText() + "\n" + r.transcript());
      assertEquals(0, r.exitCode(), r::transcript);
    }
    assertEquals(3, result.path("docs").size(), "documents in the result");
    try (SqliteStore store = SqliteStore.open(data)) {
      for (Map.Entry<String, JsonNode> doc : result.path("docs").properties()) {
        String id = doc.getKey();
        long version = doc.getValue().path("v").asLong();
        JsonNode clients = doc.getValue().path("ops");
        String context = "seed " + seed + " (" + mode + "), " + id;
        assertEquals(version, store.headVersion(QuireServer.COLLECTION, id), context + ": head version");
        assertEquals(clients, replayOpLog(store, id, version), context + ": the op log replayed from 0");
        StoredSnapshot snapshot = store.snapshotAtOrBefore(QuireServer.COLLECTION, id, Long.MAX_VALUE).orElseThrow();
        assertEquals(version, snapshot.version(), context + ": the newest snapshot is of the head");
        assertEquals(clients, parse(snapshot.data()), context + ": the stored snapshot");
      }
    }
    return result;
  }

  /** The document at {@code version}, from its ops alone (the store's snapshots are not used). */
  private static JsonNode replayOpLog(SqliteStore store, String id, long version) {
    Delta doc = null;
    try {
      for (StoredOp op : store.ops(QuireServer.COLLECTION, id, 0, version)) {
        Delta body = op.body() == null ? null : DeltaJson.parse(op.body(), OtLimits.NONE);
        switch (op.kind()) {
          case CREATE -> doc = body;
          case EDIT -> doc = doc.compose(body);
          default -> doc = null;
        }
      }
    } catch (OtException e) {
      throw new AssertionError("stored op of " + id + " does not parse: " + e.getMessage(), e);
    }
    return doc == null ? null : DeltaJson.toTree(doc);
  }

  private static String textOf(JsonNode ops) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode op : ops) {
      if (op.path("insert").isTextual()) {
        sb.append(op.path("insert").asText());
      }
    }
    return sb.toString();
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
