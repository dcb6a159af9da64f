package dev.quire.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: at most {@code perName} failed logins for one account name and
 * {@code perAddress} from one client address within {@code window}; past either, logins for that
 * name or from that address are refused (without checking the password) until the oldest failure
 * leaves the window. Kept in memory per server: in a cluster an attacker gets that many tries
 * per server, which still bounds the rate. The number of keys held is bounded, so a flood of
 * made-up names cannot grow memory without end.
 */
public final class LoginThrottle {
  static final int MAX_KEYS = 100_000;

  private final int perName;
  private final int perAddress;
  private final long windowMillis;
  private final Clock clock;
  private final Map<String, ArrayDeque<Long>> failures = new ConcurrentHashMap<>();

  public LoginThrottle(int perName, int perAddress, Duration window, Clock clock) {
    this.perName = perName;
    this.perAddress = perAddress;
    this.windowMillis = window.toMillis();
    this.clock = clock;
  }

  /** Whether a login for {@code name} from {@code address} may be tried now. */
  public boolean allowed(String name, String address) {
    return count("n:" + name) < perName && count("a:" + address) < perAddress;
  }

  public void failed(String name, String address) {
    add("n:" + name);
    add("a:" + address);
  }

  /** A successful login forgives the name's failures (not the address's). */
  public void succeeded(String name) {
    failures.remove("n:" + name);
  }

  private int count(String key) {
    ArrayDeque<Long> q = failures.get(key);
    if (q == null) {
      return 0;
    }
    synchronized (q) {
      prune(q);
      return q.size();
    }
  }

  private void add(String key) {
    if (failures.size() >= MAX_KEYS) {
      failures.values().removeIf(q -> {
        synchronized (q) {
          prune(q);
          return q.isEmpty();
        }
      });
    }
    ArrayDeque<Long> q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (q) {
      prune(q);
      q.addLast(clock.millis());
    }
  }

  private void prune(ArrayDeque<Long> q) {
    long oldest = clock.millis() - windowMillis;
    while (!q.isEmpty() && q.peekFirst() <= oldest) {
      q.pollFirst();
    }
  }
}
