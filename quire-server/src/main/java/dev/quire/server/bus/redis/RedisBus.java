package dev.quire.server.bus.redis;

import dev.quire.server.bus.Bus;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster bus: Redis pub/sub through Lettuce, to one Redis server ({@code redis://host:port}).
 *
 * <p><b>Connections.</b> Two per bus: one publishes, one subscribes and multiplexes every channel.
 * A channel is reference-counted: its first subscription sends SSUBSCRIBE (and waits, bounded, for
 * Redis to confirm it, so a message published after {@link #subscribe} returns is delivered); the
 * close of its last sends SUNSUBSCRIBE. Both commands are issued under one lock, so their order on
 * the connection is the order of the changes.
 *
 * <p><b>Sharded or not.</b> Redis 7 has sharded pub/sub (SPUBLISH / SSUBSCRIBE), which a Redis
 * Cluster spreads over its shards; {@link Mode#AUTO} picks it when {@code INFO server} reports 7 or
 * newer at connect, and plain PUBLISH / SUBSCRIBE otherwise. The two are separate namespaces in
 * Redis (an SPUBLISH never reaches a SUBSCRIBE), so every server of a cluster must use the same:
 * they do when they share one Redis, but restart them after upgrading Redis from 6 to 7.
 *
 * <p><b>Threads.</b> Listeners and reconnect hooks run on Lettuce's I/O thread (a Netty event loop)
 * that reads the subscribe connection. They must not block: while one runs, no other message of
 * this bus is delivered. For the same reason, do not call {@link #subscribe} from a listener: it
 * would wait for a confirmation that only that thread can read (until its deadline).
 *
 * <p><b>When Redis goes away.</b> Lettuce reconnects by itself (jittered backoff, at most
 * {@link #MAX_RECONNECT_DELAY} apart) and re-subscribes; RedisBus re-subscribes its own channels
 * too, which is harmless and also covers a SUBSCRIBE that was lost in flight. Publishes made while
 * disconnected wait in a bounded queue and go out on reconnection; beyond the bound they are dropped.
 * What others published meanwhile is lost, so once the connection has been re-subscribed (proved by
 * a PING answered after the SUBSCRIBEs, commands being answered in order) the
 * {@link #onReconnect} hooks run and the server reads the missed ops from the store. RESP3 (Redis 6
 * or newer) is required: it lets a subscribed connection answer that PING.
 *
 * <p><b>Text.</b> Channels and messages go through {@link ExactUtf8Codec}: UTF-8, except that a lone
 * surrogate survives, so any Java string arrives exactly as it was published.
 *
 * <p>One Redis server, not a Redis Cluster (which would need Lettuce's cluster client; sharded
 * channels are what makes that step small).
 */
public final class RedisBus implements Bus {
  private static final Logger log = LoggerFactory.getLogger(RedisBus.class);

  /** Which pub/sub commands to use. */
  public enum Mode {
    /** Sharded when the server is Redis 7 or newer, plain otherwise. */
    AUTO,
    /** SPUBLISH / SSUBSCRIBE; refused at connect by a server older than 7. */
    SHARDED,
    /** PUBLISH / SUBSCRIBE. */
    CLASSIC
  }

  /** The longest pause between reconnection attempts; short, since messages are lost meanwhile. */
  static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(2);
  /** How long {@link #subscribe} waits for Redis to confirm a new channel. */
  static final Duration SUBSCRIBE_WAIT = Duration.ofSeconds(10);
  /** Commands queued per connection while Redis is unreachable; more are refused (dropped). */
  static final int MAX_QUEUED_COMMANDS = 100_000;
  /** Channels per re-SUBSCRIBE command after a reconnection. */
  private static final int RESUBSCRIBE_BATCH = 500;

  private final String address;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> pub;
  private final StatefulRedisPubSubConnection<String, String> sub;
  private final boolean sharded;

  private final Object lock = new Object(); // orders channel changes and their (UN)SUBSCRIBEs
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private final List<Runnable> reconnectHooks = new CopyOnWriteArrayList<>();
  private final AtomicLong reconnections = new AtomicLong();
  private final AtomicBoolean publishFailing = new AtomicBoolean();
  /** Completes when the subscribe connection drops; replaced on each reconnection. */
  private volatile CompletableFuture<Void> lost = new CompletableFuture<>();
  private volatile boolean closed;

  /** The subscriptions of one channel, and the confirmation of its SUBSCRIBE. */
  private static final class Channel {
    final List<Entry> entries = new CopyOnWriteArrayList<>();
    RedisFuture<Void> subscribed;
  }

  /** One per subscription, compared by identity, so closing one removes exactly it. */
  private static final class Entry {
    final Listener listener;

    Entry(Listener listener) {
      this.listener = listener;
    }
  }

  private RedisBus(String address, ClientResources resources, RedisClient client,
      StatefulRedisConnection<String, String> pub, StatefulRedisPubSubConnection<String, String> sub,
      boolean sharded) {
    this.address = address;
    this.resources = resources;
    this.client = client;
    this.pub = pub;
    this.sub = sub;
    this.sharded = sharded;
    sub.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        deliver(channel, message);
      }

      @Override
      public void smessage(String channel, String message) {
        deliver(channel, message);
      }
    });
    // Added after the first connection, so it hears only reconnections. Lettuce calls it on the
    // I/O thread once the new connection is active and its own re-SUBSCRIBEs are written.
    sub.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress remote) {
        lost = new CompletableFuture<>();
        resubscribeThenNotify();
      }

      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        lost.complete(null);
      }
    });
  }

  /** Connects to {@code url} ({@code redis://host:port}), sharded where the server has it. */
  public static RedisBus connect(String url) {
    return connect(url, Mode.AUTO);
  }

  /**
   * Connects to the Redis server at {@code url}; fails fast if it cannot be reached now (after
   * that, outages are survived).
   *
   * @throws IllegalArgumentException if {@code url} is not a {@code redis://} or {@code rediss://} URL
   * @throws IllegalStateException if the server cannot be reached or does not fit {@code mode}
   */
  public static RedisBus connect(String url, Mode mode) {
    RedisURI uri = parse(url);
    String address = uri.getHost() + ":" + uri.getPort();
    ClientResources resources = ClientResources.builder()
        .reconnectDelay(Delay.equalJitter(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2,
            TimeUnit.MILLISECONDS))
        .build();
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .protocolVersion(ProtocolVersion.RESP3)
        .requestQueueSize(MAX_QUEUED_COMMANDS)
        .maintNotificationsConfig(MaintNotificationsConfig.disabled())
        .build());
    StatefulRedisConnection<String, String> pub = null;
    try {
      pub = client.connect(ExactUtf8Codec.INSTANCE);
      int major = majorVersion(pub.sync().info("server"));
      boolean sharded = switch (mode) {
        case AUTO -> major >= 7;
        case CLASSIC -> false;
        case SHARDED -> {
          if (major < 7) {
            throw new IllegalStateException("sharded pub/sub needs Redis 7 or newer; " + address
                + " runs " + major + ".x");
          }
          yield true;
        }
      };
      StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub(ExactUtf8Codec.INSTANCE);
      log.info("bus: Redis {} (version {}), {} pub/sub", address, major, sharded ? "sharded" : "plain");
      return new RedisBus(address, resources, client, pub, sub, sharded);
    } catch (RuntimeException e) {
      if (pub != null) {
        pub.close();
      }
      shutdown(client, resources);
      if (e instanceof IllegalStateException) {
        throw e;
      }
      throw new IllegalStateException("cannot connect the bus to Redis at " + address + ": "
          + e.getMessage(), e);
    }
  }

  private static RedisURI parse(String url) {
    if (url == null || !(url.startsWith("redis://") || url.startsWith("rediss://"))) {
      throw new IllegalArgumentException("a Redis URL looks like redis://host:port, got: "
          + withoutPassword(url));
    }
    try {
      return RedisURI.create(url);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("a Redis URL looks like redis://host:port, got: "
          + withoutPassword(url) + " (" + e.getMessage() + ")", e);
    }
  }

  /** {@code url} fit for a log: what may be a password is masked. */
  private static String withoutPassword(String url) {
    return url == null ? null : url.replaceAll("//[^/@]*@", "//***@");
  }

  /** The major version in {@code INFO server}'s {@code redis_version:7.0.15} line. */
  static int majorVersion(String info) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("redis_version:")) {
        String v = line.substring("redis_version:".length()).trim();
        int dot = v.indexOf('.');
        try {
          return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    throw new IllegalStateException("INFO server reports no redis_version");
  }

  /** Whether this bus uses sharded pub/sub (SPUBLISH / SSUBSCRIBE). */
  public boolean sharded() {
    return sharded;
  }

  @Override
  public void publish(String channel, String message) {
    if (closed) {
      return;
    }
    try {
      RedisFuture<Long> f = sharded
          ? pub.async().spublish(channel, message)
          : pub.async().publish(channel, message);
      f.whenComplete((receivers, error) -> {
        if (error != null) {
          publishFailed(channel, error);
        } else if (publishFailing.compareAndSet(true, false)) {
          log.info("bus: publishing to Redis {} works again", address);
        }
      });
    } catch (RuntimeException e) { // the queue is full while Redis is away, or we are closing
      publishFailed(channel, e);
    }
  }

  /** Logs the first failure of a run at WARN, the rest at DEBUG: an outage is one message. */
  private void publishFailed(String channel, Throwable error) {
    if (closed) {
      return;
    }
    if (publishFailing.compareAndSet(false, true)) {
      log.warn("bus: publishing to Redis {} fails ({}); messages are dropped until it works again",
          address, error.toString());
    } else {
      log.debug("bus: publish on {} dropped: {}", channel, error.toString());
    }
  }

  @Override
  public Subscription subscribe(String channel, Listener listener) {
    Entry entry = new Entry(listener);
    RedisFuture<Void> confirmed;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the bus is closed");
      }
      Channel ch = channels.get(channel);
      if (ch == null) {
        ch = new Channel();
        channels.put(channel, ch);
        try {
          ch.subscribed = sharded ? commands().ssubscribe(channel) : commands().subscribe(channel);
        } catch (RuntimeException e) { // the queue is full while Redis is away
          log.warn("bus: cannot subscribe to {} now ({}); will on reconnection", channel, e.toString());
        }
      }
      ch.entries.add(entry);
      confirmed = ch.subscribed;
    }
    awaitConfirmation(channel, confirmed);
    AtomicBoolean open = new AtomicBoolean(true);
    return () -> {
      if (open.getAndSet(false)) {
        unsubscribe(channel, entry);
      }
    };
  }

  /**
   * Waits for Redis to confirm a SUBSCRIBE, unless the connection is or goes down: then the
   * subscription takes effect on reconnection, and the reconnect hooks cover what was missed.
   */
  private void awaitConfirmation(String channel, RedisFuture<Void> confirmed) {
    CompletableFuture<Void> dropped = lost;
    if (confirmed == null || !sub.isOpen() || dropped.isDone()) {
      return;
    }
    try {
      CompletableFuture.anyOf(confirmed.toCompletableFuture(), dropped)
          .get(SUBSCRIBE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("bus: Redis {} did not confirm the subscription to {} within {}", address, channel,
          SUBSCRIBE_WAIT);
    } catch (ExecutionException e) {
      log.warn("bus: subscribing to {} on Redis {} failed: {}", channel, address, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void unsubscribe(String channel, Entry entry) {
    synchronized (lock) {
      Channel ch = channels.get(channel);
      if (ch == null || !ch.entries.remove(entry) || !ch.entries.isEmpty()) {
        return;
      }
      channels.remove(channel);
      if (closed) {
        return;
      }
      try {
        if (sharded) {
          commands().sunsubscribe(channel);
        } else {
          commands().unsubscribe(channel);
        }
      } catch (RuntimeException e) { // queue full: the channel stays subscribed, its messages ignored
        log.debug("bus: unsubscribing from {} failed: {}", channel, e.toString());
      }
    }
  }

  private void deliver(String channel, String message) {
    Channel ch = channels.get(channel);
    if (ch == null || closed) {
      return; // a message already on its way when the last subscription closed
    }
    for (Entry e : ch.entries) {
      try {
        e.listener.onMessage(channel, message);
      } catch (RuntimeException ex) {
        log.warn("bus listener on {} failed", channel, ex);
      }
    }
  }

  @Override
  public void onReconnect(Runnable hook) {
    reconnectHooks.add(hook);
  }

  /**
   * After a reconnection: SUBSCRIBE again to every channel, then PING; Redis answers in order, so
   * the PONG means every SUBSCRIBE (Lettuce's and ours) is in effect, and the hooks may run. If the
   * connection drops before the PONG, a newer reconnection supersedes this one.
   */
  private void resubscribeThenNotify() {
    long generation = reconnections.incrementAndGet();
    synchronized (lock) {
      if (closed) {
        return;
      }
      List<String> names = new ArrayList<>(channels.keySet());
      for (int i = 0; i < names.size(); i += RESUBSCRIBE_BATCH) {
        String[] batch = names.subList(i, Math.min(names.size(), i + RESUBSCRIBE_BATCH))
            .toArray(new String[0]);
        try {
          if (sharded) {
            commands().ssubscribe(batch);
          } else {
            commands().subscribe(batch);
          }
        } catch (RuntimeException e) {
          log.warn("bus: re-subscribing on Redis {} failed: {}", address, e.toString());
        }
      }
    }
    log.info("bus: reconnected to Redis {}; re-subscribing {} channel(s)", address, channels.size());
    RedisFuture<String> pong;
    try {
      pong = commands().ping();
    } catch (RuntimeException e) {
      log.warn("bus: cannot confirm the re-subscription on Redis {}: {}", address, e.toString());
      return;
    }
    pong.whenComplete((reply, error) -> {
      if (error == null && !closed && reconnections.get() == generation) {
        runReconnectHooks();
      }
    });
  }

  private void runReconnectHooks() {
    for (Runnable hook : reconnectHooks) {
      try {
        hook.run();
      } catch (RuntimeException e) {
        log.warn("bus reconnect hook failed", e);
      }
    }
  }

  private RedisPubSubAsyncCommands<String, String> commands() {
    return sub.async();
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      channels.clear();
    }
    reconnectHooks.clear();
    sub.close();
    pub.close();
    shutdown(client, resources);
  }

  private static void shutdown(RedisClient client, ClientResources resources) {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
