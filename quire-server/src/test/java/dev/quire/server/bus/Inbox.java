package dev.quire.server.bus;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A listener that keeps what it receives, for tests to await with a deadline. */
public final class Inbox implements Bus.Listener {
  /** How long a test waits for a message that must come; generous, since a slow CI still passes. */
  public static final Duration DEADLINE = Duration.ofSeconds(20);

  /** One delivery: the channel it came on and the message. */
  public record Received(String channel, String message) {}

  private final BlockingQueue<Received> waiting = new LinkedBlockingQueue<>();
  private final List<Received> all = new CopyOnWriteArrayList<>();

  @Override
  public void onMessage(String channel, String message) {
    Received r = new Received(channel, message);
    all.add(r);
    waiting.add(r);
  }

  /** The next delivery not yet taken; fails the test if none comes within {@link #DEADLINE}. */
  public Received next() throws InterruptedException {
    Received r = waiting.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      fail("no message within " + DEADLINE + "; received so far: " + all);
    }
    return r;
  }

  /** The messages of the next {@code n} deliveries, in arrival order. */
  public List<String> nextMessages(int n) throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(next().message());
    }
    return out;
  }

  /** Everything received so far, taken or not. */
  public List<Received> all() {
    return List.copyOf(all);
  }

  public List<String> messages() {
    return all.stream().map(Received::message).toList();
  }
}
