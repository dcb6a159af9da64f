package dev.quire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.ServerProcess;
import dev.quire.server.testing.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARCHITECTURE.md invariants 2 and 3 across a crash: the real server runs as its own process and
 * is killed with SIGKILL in the middle of a burst of ops from several clients on several
 * documents, then restarted on the same data folder, more than once. Afterwards every
 * acknowledged op is in its document exactly once, at the version its ack named, the versions
 * are dense, and the clients, having resubmitted the op they had in flight (same src and seq,
 * as the sharedb client does on reconnect), got an ack for it and see it exactly once too.
 *
 * <p>Seeded: {@code -Dquire.seed=N} replays the choices (how many writers, when to kill, how
 * often to snapshot); {@code -Dquire.durability.iterations=N} runs more rounds.
 */
class DurabilityTest {
  static final int DOCS = 3;
  static final int CRASHES = 2;
  static final Pattern TOKEN = Pattern.compile("\\[w\\d+:\\d+\\]");
  static final String INITIAL = "\u00b6";

  @TempDir Path tmp;

  @Test
  void everyAcknowledgedOpSurvivesKillDashNineOnceAndResubmittedOpsConverge() throws Exception {
    Long given = Long.getLong("quire.seed");
    long seed = given != null ? given : new Random().nextLong();
    System.out.println("DurabilityTest: seed " + seed + " (replay with -Dquire.seed=" + seed + ")");
    Random random = new Random(seed);
    int iterations = Integer.getInteger("quire.durability.iterations", 3);
    for (int i = 0; i < iterations; i++) {
      try {
        round(random, tmp.resolve("round-" + i));
      } catch (AssertionError | Exception e) {
        throw new AssertionError("round " + i + " of seed " + seed + " failed: " + e.getMessage(), e);
      }
    }
  }

  private void round(Random random, Path dir) throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    String snapshotEvery = String.valueOf(List.of(1, 3, 10, 1000).get(random.nextInt(4)));
    int writersPerDoc = 2 + random.nextInt(3); // at least two, so ops are transformed against each other
    ServerProcess server = ServerProcess.start(data, dir.resolve("server.log"), "--snapshot-every", snapshotEvery);
    List<BurstWriter> writers = new ArrayList<>();
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      List<String> docs = createDocs(server, dir.getFileName().toString());
      for (String doc : docs) {
        for (int w = 0; w < writersPerDoc; w++) {
          BurstWriter writer = new BurstWriter("w" + writers.size(), doc, 1);
          writer.connect(server.uri());
          writers.add(writer);
        }
      }
      int acksSoFar = 0;
      int inflightAtCrashes = 0;
      int committedUnacked = 0;
      for (int crash = 0; crash < CRASHES; crash++) {
        int killAfter = 10 + random.nextInt(150);
        acksSoFar += burstThenKill(server, writers, threads, killAfter);
        server = ServerProcess.start(data, dir.resolve("server.log"), "--snapshot-every", snapshotEvery);
        Map<String, Long> heads = heads(server, docs);
        for (BurstWriter w : writers) {
          inflightAtCrashes += w.inflight() == null ? 0 : 1;
          w.connect(server.uri());
          long v = w.resubmit();
          // Acked below the head it found after the restart: committed before the crash, its ack lost.
          committedUnacked += v >= 0 && v < heads.get(w.doc) ? 1 : 0;
        }
      }
      System.out.printf("%s: %d writers on %d docs, snapshot every %s: %d acks; at the crashes %d ops in flight,"
          + " %d of them committed but not acknowledged%n",
          dir.getFileName(), writers.size(), DOCS, snapshotEvery, acksSoFar, inflightAtCrashes, committedUnacked);
      for (String doc : docs) {
        verify(server, doc, writers.stream().filter(w -> w.doc.equals(doc)).toList());
      }
    } finally {
      writers.forEach(BurstWriter::close);
      threads.shutdownNow();
      server.stop();
    }
  }

  private static List<String> createDocs(ServerProcess server, String prefix) {
    List<String> docs = new ArrayList<>();
    try (WsClient c = WsClient.connect(server.uri())) {
      for (int i = 0; i < DOCS; i++) {
        String doc = prefix + "-doc-" + i;
        JsonNode ack = c.request(Msg.create(doc, i + 1, INITIAL), Msg.ackOrError(i + 1));
        assertFalse(Msg.isError(ack), ack::toString);
        docs.add(doc);
      }
    }
    return docs;
  }

  private static Map<String, Long> heads(ServerProcess server, List<String> docs) {
    Map<String, Long> heads = new HashMap<>();
    try (WsClient c = WsClient.connect(server.uri())) {
      for (String doc : docs) {
        heads.put(doc, c.request(Msg.fetch(doc), Msg.replyTo("f", doc)).get("data").get("v").asLong());
      }
    }
    return heads;
  }

  /** Runs every writer until {@code killAfter} more acks have arrived, then SIGKILLs the server mid-burst. */
  private static int burstThenKill(ServerProcess server, List<BurstWriter> writers, ExecutorService threads,
      int killAfter) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger acks = new AtomicInteger();
    CountDownLatch enough = new CountDownLatch(1);
    List<Future<?>> running = new ArrayList<>();
    for (BurstWriter w : writers) {
      running.add(threads.submit(() -> w.burst(stop, () -> {
        if (acks.incrementAndGet() == killAfter) {
          enough.countDown();
        }
      })));
    }
    if (!enough.await(60, TimeUnit.SECONDS)) {
      for (Future<?> f : running) {
        if (f.isDone()) {
          f.get(); // a writer that failed says why
        }
      }
      throw new AssertionError("only " + acks.get() + " acks in 60 s; see " + server.log());
    }
    server.kill9();
    stop.set(true);
    for (Future<?> f : running) {
      f.get(60, TimeUnit.SECONDS); // each ends when its connection drops; an assertion inside fails here
    }
    return acks.get();
  }

  /** The document holds exactly the acknowledged ops, once each, at dense versions. */
  private static void verify(ServerProcess server, String doc, List<BurstWriter> writers) {
    try (WsClient c = WsClient.connect(server.uri())) {
      JsonNode snapshot = c.request(Msg.fetch(doc), Msg.replyTo("f", doc)).get("data");
      long head = snapshot.get("v").asLong();
      c.request(Msg.fetch(doc).put("v", 0), m -> "f".equals(m.path("a").asText()) && !m.has("data"));
      Map<Long, JsonNode> log = new HashMap<>();
      Set<String> sources = new HashSet<>();
      for (long v = 0; v < head; v++) {
        long version = v;
        JsonNode op = c.next(Msg.pushedOp(doc, version));
        log.put(v, op);
        assertTrue(sources.add(op.get("src").asText() + "/" + op.get("seq").asLong()),
            doc + ": (src, seq) stored twice: " + op);
      }
      assertEquals(0, c.count(m -> "op".equals(m.path("a").asText())), doc + ": ops beyond the head " + head);
      assertTrue(log.get(0L).has("create"), doc + ": version 0 is the create");

      Map<String, Integer> seen = tokensIn(snapshot);
      int expected = 0;
      for (BurstWriter w : writers) {
        assertNull(w.inflight(), w.name + " still has an op in flight");
        for (BurstWriter.Acked a : w.acked) {
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
