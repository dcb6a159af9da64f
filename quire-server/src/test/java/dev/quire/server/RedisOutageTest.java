package dev.quire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.ClusterFaults.Load;
import dev.quire.server.ClusterFaults.Watcher;
import dev.quire.server.bus.redis.ThrowawayRedis;
import dev.quire.server.store.postgres.ThrowawayDatabase;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.Seeds;
import dev.quire.server.testing.TestServer;
import dev.quire.server.testing.WsClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's fault "Redis killed and restarted under load": two servers share a PostgreSQL
 * database and a redis-server of the test's own, writers on both type into the same documents,
 * and mid-run the redis-server is killed (-9) and started again on the same port. Commits do not
 * need Redis, so acks go on during the outage; once the bus is back, every server catches its open
 * documents up from the store, so subscribers on either server see every version exactly once,
 * and a client on server A receives an op that was committed on server B during the outage
 * without any further op on that document to reveal a gap.
 *
 * <p>Seeded ({@code -Dquire.seed=N}); {@code -Dquire.faults.rounds=N} runs more rounds.
 */
class RedisOutageTest {
  private static final int DOCS = 3;

  @TempDir Path tmp;

  @Test
  void editingGoesOnWhileRedisIsDownAndEveryServerCatchesUpWhenItIsBack() throws Exception {
    long seed = Seeds.choose("RedisOutageTest");
    Random random = new Random(seed);
    int rounds = Integer.getInteger("quire.faults.rounds", 3);
    try (ThrowawayDatabase db = ThrowawayDatabase.create(); ThrowawayRedis redis = ThrowawayRedis.start()) {
      for (int i = 0; i < rounds; i++) {
        try {
          round(random, db.url(), redis, tmp.resolve("round-" + i), "r" + i + "x" + Long.toHexString(seed & 0xffffff));
        } catch (AssertionError | Exception e) {
          throw new AssertionError("round " + i + " of seed " + seed + " failed: " + e.getMessage(), e);
        }
      }
    }
  }

  private static void round(Random random, String dbUrl, ThrowawayRedis redis, Path dir, String prefix)
      throws Exception {
    String snapshotEvery = String.valueOf(List.of(1, 5, 20, 1000).get(random.nextInt(4)));
    Map<String, String> cluster = Map.of("database-url", dbUrl, "redis-url", redis.url(), "snapshot-every", snapshotEvery);
    ExecutorService threads = Executors.newCachedThreadPool();
    List<Watcher> watchers = new ArrayList<>();
    Load load = null;
    try (TestServer a = TestServer.start(dir.resolve("a"), cluster);
        TestServer b = TestServer.start(dir.resolve("b"), cluster)) {
      List<TestServer> servers = List.of(a, b);
      List<String> docs = ClusterFaults.createDocs(a, prefix, DOCS + 1);
      String probe = docs.remove(DOCS); // edited by nobody but the probe below
      Watcher probeWatcher = Watcher.on(a, "A", probe);
      watchers.add(probeWatcher); // closed with the others; verify() looks only at its own document
      List<ResilientWriter> writers = new ArrayList<>();
      for (String doc : docs) {
        watchers.add(Watcher.on(a, "A", doc));
        watchers.add(Watcher.on(b, "B", doc));
        int perDoc = 2 + random.nextInt(3);
        for (int w = 0; w < perDoc; w++) {
          writers.add(new ResilientWriter("w" + writers.size(), doc,
              ClusterFaults.uri(servers.get(writers.size() % 2)), 1));
        }
      }
      load = new Load(writers, threads);
      load.awaitAcks(10 + random.nextInt(100), "before the outage");

      redis.kill();
      // Committed on B while Redis is away: A can learn of it only from the store.
      try (WsClient onB = WsClient.connect(ClusterFaults.uri(b))) {
        JsonNode ack = onB.request(Msg.insert(probe, 1, 1, 0, "[w99:0]"), Msg.ackOrError(1));
        assertFalse(Msg.isError(ack), ack::toString);
        assertEquals(1, ack.get("v").asLong());
      }
      load.awaitAcks(10 + random.nextInt(60), "while Redis is down (commits do not need it)");
      redis.restart();

      // No further op on the probe document: only the catch-up after the reconnect delivers it.
      JsonNode delivered = probeWatcher.client().next(Msg.pushedOp(probe, 1));
      assertEquals("[{\"insert\":\"[w99:0]\"}]", delivered.get("op").toString());
      load.awaitAcks(10 + random.nextInt(60), "after Redis is back");
      load.finish();
      System.out.printf("%s: %d writers, snapshot every %s: %d acks%n", prefix, writers.size(), snapshotEvery,
          load.acks.get());
      for (String doc : docs) {
        ClusterFaults.verify(a, b, doc, writers.stream().filter(w -> w.doc.equals(doc)).toList(),
            watchers.stream().filter(w -> w.doc().equals(doc)).toList());
      }
    } finally {
      if (load != null) {
        load.close();
      }
      watchers.forEach(w -> w.client().close());
      threads.shutdownNow();
    }
  }
}
