package dev.quire.server.protocol;

import java.time.Clock;

/** A token bucket: {@code rate} tokens a second, at most {@code burst} saved up. One per connection, and one per client address for the REST API. */
public final class RateLimiter {
  private final double rate;
  private final double burst;
  private final Clock clock;
  private double tokens;
  private long last;

  public RateLimiter(double rate, int burst, Clock clock) {
    this.rate = rate;
    this.burst = burst;
    this.clock = clock;
    this.tokens = burst;
    this.last = clock.millis();
  }

  public synchronized boolean tryAcquire() {
    long now = clock.millis();
    tokens = Math.min(burst, tokens + (now - last) * rate / 1000.0);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
