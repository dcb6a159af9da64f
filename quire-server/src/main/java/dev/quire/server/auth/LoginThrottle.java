package dev.quire.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Slows password guessing: at most {@code perName} failed logins for one account name and
 * {@code perAddress} from one client address within {@code window}; past either, logins for that
 * name or from that address are refused (without checking the password) until the oldest failure
 * leaves the window.
 *
 * <p>The failures are counted in the store ({@link AccountStore#loginFailures}), not in memory: in
 * a cluster every server sees the same count, so going round the load balancer's servers buys an
 * attacker no extra tries, and a restart forgets nothing. Rows leave the store when they leave the
 * window (each new failure deletes the expired ones), so a flood of made-up names cannot grow it
 * without end; each failure has already cost the attacker a password hash and a request from the
 * per-address rate limit.
 */
public final class LoginThrottle {
  private final AccountStore store;
  private final int perName;
  private final int perAddress;
  private final long windowMillis;
  private final Clock clock;

  public LoginThrottle(AccountStore store, int perName, int perAddress, Duration window, Clock clock) {
    this.store = store;
    this.perName = perName;
    this.perAddress = perAddress;
    this.windowMillis = window.toMillis();
    this.clock = clock;
  }

  /** Whether a login for {@code name} from {@code address} may be tried now. */
  public boolean allowed(String name, String address) {
    long since = clock.millis() - windowMillis;
    return store.loginFailures(nameKey(name), since) < perName
        && store.loginFailures(addressKey(address), since) < perAddress;
  }

  public void failed(String name, String address) {
    long now = clock.millis();
    store.addLoginFailure(List.of(nameKey(name), addressKey(address)), now, now - windowMillis);
  }

  /** A successful login forgives the name's failures (not the address's). */
  public void succeeded(String name) {
    store.clearLoginFailures(nameKey(name));
  }

  private static String nameKey(String name) {
    return "n:" + name;
  }

  private static String addressKey(String address) {
    return "a:" + address;
  }
}
