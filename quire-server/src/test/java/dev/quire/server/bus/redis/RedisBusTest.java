package dev.quire.server.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.bus.Bus;
import dev.quire.server.bus.BusContract;
import dev.quire.server.bus.Inbox;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Redis bus against the machine's real Redis (127.0.0.1:6379, or -Dquire.redis.url): the
 * contract, with peers (a second bus on the same Redis, as another server has), and what is
 * particular to Redis. Skipped without Redis, failed without it under CI=true.
 */
class RedisBusTest extends BusContract {

  /** The pub/sub commands these tests run with. */
  protected RedisBus.Mode mode() {
    return RedisBus.Mode.AUTO;
  }

  @Override
  protected Bus newBus() {
    Redis.requireReachable(Redis.URL); // before each test, so each is reported skipped (or failed)
    return RedisBus.connect(Redis.URL, mode());
  }

  @Override
  protected Bus newPeer() {
    return RedisBus.connect(Redis.URL, mode());
  }

  /** How many Redis clients are subscribed to {@code channel}, in the namespace {@code bus} uses. */
  static long subscribers(RedisBus bus, String channel) {
    RedisClient client = RedisClient.create(Redis.URL);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      Map<String, Long> counts = bus.sharded()
          ? c.sync().pubsubShardNumsub(channel)
          : c.sync().pubsubNumsub(channel);
      return counts.getOrDefault(channel, 0L);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void onRedis7OrNewerTheBusUsesShardedPubSub() {
    RedisClient client = RedisClient.create(Redis.URL);
    int major;
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      major = RedisBus.majorVersion(c.sync().info("server"));
    } finally {
      client.shutdown();
    }
    assertEquals(mode() == RedisBus.Mode.AUTO && major >= 7, ((RedisBus) bus).sharded());
  }

  @Test
  void oneConnectionCarriesEveryChannelAndTheLastSubscriptionToLeaveUnsubscribes() throws Exception {
    RedisBus redisBus = (RedisBus) bus;
    Bus.Subscription a = bus.subscribe(channel("c"), new Inbox());
    Bus.Subscription b = bus.subscribe(channel("c"), new Inbox());
    bus.subscribe(channel("d"), new Inbox());
    assertEquals(1, subscribers(redisBus, channel("c")));
    assertEquals(1, subscribers(redisBus, channel("d")));
    a.close();
    assertEquals(1, subscribers(redisBus, channel("c")));
    b.close();
    // The UNSUBSCRIBE is not awaited, but a SUBSCRIBE is, and it follows on the same connection.
    bus.subscribe(channel("barrier"), new Inbox());
    assertEquals(0, subscribers(redisBus, channel("c")));
    assertEquals(1, subscribers(redisBus, channel("d")));
  }

  @Test
  void aUrlThatIsNotRedisIsRefusedWithAnExampleAndWithoutItsPassword() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RedisBus.connect("http://user:secret@127.0.0.1:6379"));
    assertTrue(e.getMessage().contains("redis://host:port"), e.getMessage());
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }

  @Test
  void aRedisThatCannotBeReachedAtStartFailsWithItsAddress() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // free once closed: nothing listens there
    }
    int closedPort = port;
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> RedisBus.connect("redis://127.0.0.1:" + closedPort));
    assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());
  }

  @Test
  void theServerVersionIsReadFromInfo() {
    assertEquals(7, RedisBus.majorVersion("# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n"));
    assertEquals(6, RedisBus.majorVersion("redis_version:6.2.14\n"));
    assertThrows(IllegalStateException.class, () -> RedisBus.majorVersion("# Server\r\n"));
  }
}
