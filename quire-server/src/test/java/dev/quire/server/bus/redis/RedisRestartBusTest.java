package dev.quire.server.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.bus.Inbox;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Redis bus survives its Redis being killed (-9) and started again on the same port: it
 * reconnects, re-subscribes, tells the server through the reconnect hook, and delivers what is
 * published afterwards. Uses a redis-server of its own, never the machine's.
 */
class RedisRestartBusTest {
  private static final int OUTAGES = 2;

  @ParameterizedTest
  @EnumSource(value = RedisBus.Mode.class, names = {"SHARDED", "CLASSIC"})
  void afterRedisIsKilledAndRestartedTheBusResubscribesCallsTheHookAndDelivers(RedisBus.Mode mode)
      throws Exception {
    try (ThrowawayRedis redis = ThrowawayRedis.start();
        RedisBus bus = RedisBus.connect(redis.url(), mode);
        RedisBus peer = RedisBus.connect(redis.url(), mode)) {
      Semaphore reconnected = new Semaphore(0);
      bus.onReconnect(reconnected::release);
      Inbox inbox = new Inbox();
      bus.subscribe("docs.a", inbox);
      peer.publish("docs.a", "before");
      assertEquals("before", inbox.next().message());
      assertEquals(0, reconnected.availablePermits(), "no reconnection without an outage");

      for (int outage = 1; outage <= OUTAGES; outage++) {
        redis.kill();
        // Subscribing while Redis is away must not hang; it takes effect on reconnection.
        Inbox late = new Inbox();
        bus.subscribe("docs.late" + outage, late);
        redis.restart();

        assertTrue(reconnected.tryAcquire(Inbox.DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
            "the reconnect hook was not called within " + Inbox.DEADLINE + " after outage " + outage);
        // The hook means "subscribed again": a publisher that was never away is heard at once.
        try (RedisBus fresh = RedisBus.connect(redis.url(), mode)) {
          fresh.publish("docs.a", "after outage " + outage + ", from a new bus");
          fresh.publish("docs.late" + outage, "to the late subscriber");
          assertEquals("after outage " + outage + ", from a new bus", inbox.next().message());
          assertEquals("to the late subscriber", late.next().message());
        }
        // The peer has reconnected by itself too, and its publishes get through again.
        peer.publish("docs.a", "after outage " + outage + ", from the peer");
        String m;
        do {
          m = inbox.next().message(); // one published while Redis was away may come first
        } while (!m.equals("after outage " + outage + ", from the peer"));
        assertFalse(inbox.messages().contains("to the late subscriber"));
      }
    }
  }
}
