package dev.quire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quire.server.ClusterFaults.Load;
import dev.quire.server.ClusterFaults.Watcher;
import dev.quire.server.bus.redis.ThrowawayRedis;
import dev.quire.server.testing.Seeds;
import dev.quire.server.testing.TestServer;
import dev.quire.server.testing.ThrowawayPostgres;
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
 * Issue 4's fault "PostgreSQL restarted under load": two servers on a PostgreSQL cluster and a
 * redis-server of the test's own, writers on both typing into the same documents; mid-run the
 * cluster is stopped with {@code -m immediate} (its backends die as in a crash) and started again.
 * While it is down {@code /health/ready} answers 503 and nothing is acknowledged: an op waits and
 * then commits, or the server closes the connection (1013) and the writer, like the sharedb
 * client, reconnects and resends it with the same (src, seq). Afterwards, with the same servers
 * (never restarted), readiness is 200 again, every acknowledged op is stored exactly once at its
 * version, and subscribers on both servers saw every version exactly once.
 *
 * <p>Seeded ({@code -Dquire.seed=N}): the seed also picks short outages (ops wait through them)
 * or long ones (held until a server has given up on a commit and closed a writer's connection).
 * {@code -Dquire.faults.rounds=N} runs more rounds.
 */
class PostgresRestartTest {
  private static final int DOCS = 2;

  @TempDir Path tmp;

  @Test
  void nothingIsAcknowledgedWhilePostgresIsDownAndNothingAcknowledgedIsLost() throws Exception {
    long seed = Seeds.choose("PostgresRestartTest");
    Random random = new Random(seed);
    int rounds = Integer.getInteger("quire.faults.rounds", 2);
    int firstKind = random.nextInt(2);
    try (ThrowawayPostgres pg = ThrowawayPostgres.start(); ThrowawayRedis redis = ThrowawayRedis.start()) {
      for (int i = 0; i < rounds; i++) {
        try {
          // Alternate the two kinds of outage, so that every run of two rounds or more has both.
          round(random, pg, redis, tmp.resolve("round-" + i), "r" + i + "x" + Long.toHexString(seed & 0xffffff),
              (i + firstKind) % 2 == 0);
        } catch (AssertionError | Exception e) {
          throw new AssertionError("round " + i + " of seed " + seed + " failed: " + e.getMessage(), e);
        }
      }
    }
  }

  private static void round(Random random, ThrowawayPostgres pg, ThrowawayRedis redis, Path dir, String prefix,
      boolean longOutage) throws Exception {
    String snapshotEvery = String.valueOf(List.of(1, 5, 20, 1000).get(random.nextInt(4)));
    Map<String, String> cluster = Map.of("database-url", pg.url(), "redis-url", redis.url(), "snapshot-every", snapshotEvery);
    ExecutorService threads = Executors.newCachedThreadPool();
    List<Watcher> watchers = new ArrayList<>();
    Load load = null;
    try (TestServer a = TestServer.start(dir.resolve("a"), cluster);
        TestServer b = TestServer.start(dir.resolve("b"), cluster)) {
      List<TestServer> servers = List.of(a, b);
      List<String> docs = ClusterFaults.createDocs(a, prefix, DOCS);
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

      pg.stopImmediately();
      for (TestServer s : servers) {
        ClusterFaults.await(() -> ClusterFaults.readiness(s) == 503, () -> "/health/ready to answer 503");
      }
      long downFrom = System.nanoTime(); // acks sent before the stop have surely arrived by now
      int reconnectsBefore = reconnects(writers);
      // Every writer has an op in flight while PostgreSQL is down, and (long outages) some server
      // has given up on a commit and closed a connection, so both outcomes of issue 4 are exercised.
      ClusterFaults.await(() -> writers.stream().allMatch(w -> w.sentAt != 0)
              && (!longOutage || reconnects(writers) > reconnectsBefore),
          () -> "every writer to have an op in flight during the outage"
              + (longOutage ? " and a connection closed by a server" : ""));
      long downUntil = System.nanoTime();
      pg.startAgain();
      for (TestServer s : servers) {
        ClusterFaults.await(() -> ClusterFaults.readiness(s) == 200, () -> "/health/ready to answer 200 again");
      }
      load.awaitAcks(10 + random.nextInt(60), "after PostgreSQL is back");
      load.finish();

      long ackedWhileDown = writers.stream().flatMap(w -> w.ackedAt.stream())
          .filter(t -> t > downFrom && t < downUntil).count();
      assertEquals(0, ackedWhileDown, "ops acknowledged while PostgreSQL was down");
      System.out.printf("%s: %d writers, snapshot every %s, %s outage: %d acks, %d reconnections%n", prefix,
          writers.size(), snapshotEvery, longOutage ? "long" : "short", load.acks.get(), reconnects(writers));
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

  private static int reconnects(List<ResilientWriter> writers) {
    return writers.stream().mapToInt(w -> w.reconnects).sum();
  }
}
