package dev.quire.server.bus;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Bus} must do. A bus's test extends this class and says how to get a new bus
 * and, where the implementation has a shared backend, a peer: a second bus on the same backend, as
 * another server would have. Every test here then runs against it.
 *
 * <p>Channel names are unique per test, because a real backend (the machine's Redis) may be shared
 * with other runs. Waiting is always for a message that must come, with a deadline; that a message
 * does <em>not</em> come is checked after a later message on the same path has come.
 */
public abstract class BusContract {
  protected Bus bus;
  private final List<Bus> opened = new ArrayList<>();
  private final String prefix = "quire-test." + UUID.randomUUID() + ".";

  /** A new bus. The contract closes it after the test. */
  protected abstract Bus newBus() throws Exception;

  /** A second bus on the same backend as {@link #newBus}'s, or null where there is no backend. */
  protected Bus newPeer() throws Exception {
    return null;
  }

  @BeforeEach
  void openBus() throws Exception {
    bus = track(newBus());
  }

  @AfterEach
  void closeBuses() {
    for (Bus b : opened) {
      b.close();
    }
  }

  protected Bus track(Bus b) {
    opened.add(b);
    return b;
  }

  /** A peer of {@link #bus}; skips the test for a bus that has none. */
  protected Bus peer() throws Exception {
    Bus p = newPeer();
    Assumptions.assumeTrue(p != null, "this bus has no backend shared with peers");
    return track(p);
  }

  /** A channel name of this test's own. */
  protected String channel(String name) {
    return prefix + name;
  }

  @Test
  void aSubscriberReceivesWhatIsPublishedOnItsChannel() throws Exception {
    Inbox inbox = new Inbox();
    bus.subscribe(channel("docs.a"), inbox);
    bus.publish(channel("docs.a"), "{\"v\":1}");
    assertEquals(new Inbox.Received(channel("docs.a"), "{\"v\":1}"), inbox.next());
  }

  @Test
  void aSubscriberReceivesNothingPublishedOnOtherChannels() throws Exception {
    Inbox a = new Inbox();
    Inbox b = new Inbox();
    bus.subscribe(channel("a"), a);
    bus.subscribe(channel("b"), b);
    bus.publish(channel("b"), "for b");
    bus.publish(channel("unheard"), "for nobody");
    bus.publish(channel("a"), "for a");
    assertEquals("for a", a.next().message());
    assertEquals("for b", b.next().message());
    bus.publish(channel("a"), "end");
    bus.publish(channel("b"), "end");
    assertEquals("end", a.next().message());
    assertEquals("end", b.next().message());
    assertEquals(List.of("for a", "end"), a.messages());
    assertEquals(List.of("for b", "end"), b.messages());
  }

  @Test
  void everySubscriberOfAChannelReceivesEachMessage() throws Exception {
    List<Inbox> inboxes = List.of(new Inbox(), new Inbox(), new Inbox());
    for (Inbox i : inboxes) {
      bus.subscribe(channel("shared"), i);
    }
    bus.publish(channel("shared"), "one");
    bus.publish(channel("shared"), "two");
    for (Inbox i : inboxes) {
      assertEquals(Set.of("one", "two"), new HashSet<>(i.nextMessages(2)));
    }
  }

  @Test
  void closingASubscriptionStopsItsDeliveryAndNoOther() throws Exception {
    Inbox leaving = new Inbox();
    Inbox staying = new Inbox();
    Bus.Subscription s = bus.subscribe(channel("c"), leaving);
    bus.subscribe(channel("c"), staying);
    bus.publish(channel("c"), "before");
    assertEquals("before", leaving.next().message());
    assertEquals("before", staying.next().message());
    s.close();
    bus.publish(channel("c"), "after");
    assertEquals("after", staying.next().message());
    assertEquals(List.of("before"), leaving.messages());
  }

  @Test
  void aChannelWhoseLastSubscriptionClosedCanBeSubscribedAgain() throws Exception {
    Inbox first = new Inbox();
    bus.subscribe(channel("c"), first).close();
    Inbox second = new Inbox();
    bus.subscribe(channel("c"), second);
    bus.publish(channel("c"), "again");
    assertEquals("again", second.next().message());
    assertEquals(List.of(), first.messages());
  }

  @Test
  void closingASubscriptionTwiceLeavesOtherSubscriptionsOfTheSameListener() throws Exception {
    Inbox inbox = new Inbox();
    Bus.Subscription one = bus.subscribe(channel("c"), inbox);
    bus.subscribe(channel("c"), inbox);
    bus.publish(channel("c"), "twice");
    assertEquals(List.of("twice", "twice"), inbox.nextMessages(2));
    one.close();
    one.close();
    bus.publish(channel("c"), "once");
    assertEquals("once", inbox.next().message());
    bus.publish(channel("c"), "end");
    assertEquals("end", inbox.next().message());
    assertEquals(List.of("twice", "twice", "once", "end"), inbox.messages());
  }

  @Test
  void textArrivesExactlyAsPublished() throws Exception {
    StringBuilder big = new StringBuilder();
    for (int i = 0; big.length() < 300_000; i++) {
      big.append("ligne ").append(i).append(" — ünïcödé 日本語 😀 \\ud83d \n");
    }
    List<String> messages = List.of(
        "{\"op\":[{\"insert\":\"h\u00e9llo w\u00f6rld \u2713 \u65e5\u672c\u8a9e \ud83d\ude00\"}]}",
        // JSON text whose string escapes a lone surrogate, as JsonText writes a split emoji
        "{\"op\":[{\"retain\":3},{\"insert\":\"\\ud83d\"}],\"v\":7}",
        "{\"op\":[{\"insert\":\"\\ude00\\ud83d\"}]}",
        // raw lone surrogates in the Java string itself: a bus carries any string
        "lone high \ud83d here", "\ude00 lone low first", "ends high \ud83d", "\ud83d",
        "reversed pair \ude00\ud83d",
        "", " ", "\u0000 nul and \u007f del", "\r\n crlf \t tab",
        "\u00ed\u00a0 latin that looks like the surrogate bytes",
        big.toString());
    Inbox inbox = new Inbox();
    String ch = channel("docs.ünïcödé 😀 \ud83d");
    bus.subscribe(ch, inbox);
    for (String m : messages) {
      bus.publish(ch, m);
    }
    List<Inbox.Received> got = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      got.add(inbox.next());
    }
    for (Inbox.Received r : got) {
      assertEquals(ch, r.channel());
    }
    // Compare as sets of exact strings: the bus does not promise order.
    assertEquals(new HashSet<>(messages), new HashSet<>(got.stream().map(Inbox.Received::message).toList()));
  }

  @Test
  void manyChannelsEachDeliverOnlyTheirOwnMessages() throws Exception {
    int n = 300;
    List<Inbox> inboxes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Inbox inbox = new Inbox();
      inboxes.add(inbox);
      bus.subscribe(channel("docs." + i), inbox);
      bus.subscribe(channel("docs." + i), (c, m) -> { }); // a second listener per channel
    }
    for (int i = 0; i < n; i++) {
      bus.publish(channel("docs." + i), "message " + i);
    }
    for (int i = 0; i < n; i++) {
      assertEquals(new Inbox.Received(channel("docs." + i), "message " + i), inboxes.get(i).next());
    }
    for (int i = 0; i < n; i++) {
      bus.publish(channel("docs." + i), "end");
    }
    for (int i = 0; i < n; i++) {
      assertEquals("end", inboxes.get(i).next().message());
      assertEquals(List.of("message " + i, "end"), inboxes.get(i).messages());
    }
  }

  @Test
  void aListenerThatThrowsDoesNotStopDeliveryToOthersOrLaterMessages() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Inbox before = new Inbox();
    Inbox after = new Inbox();
    bus.subscribe(channel("c"), before);
    bus.subscribe(channel("c"), (c, m) -> {
      calls.incrementAndGet();
      throw new ExpectedFailure();
    });
    bus.subscribe(channel("c"), after);
    bus.publish(channel("c"), "one");
    bus.publish(channel("c"), "two");
    assertEquals(Set.of("one", "two"), new HashSet<>(before.nextMessages(2)));
    assertEquals(Set.of("one", "two"), new HashSet<>(after.nextMessages(2)));
    assertEquals(2, calls.get());
  }

  /** What a broken listener throws here: no stack trace, so the expected log stays short. */
  private static final class ExpectedFailure extends RuntimeException {
    ExpectedFailure() {
      super("a broken listener (expected in this test)", null, false, false);
    }
  }

  @Test
  void publishingOnAChannelWithoutSubscribersIsHarmless() throws Exception {
    assertDoesNotThrow(() -> bus.publish(channel("nobody"), "into the void"));
    Inbox inbox = new Inbox();
    bus.subscribe(channel("somebody"), inbox);
    bus.publish(channel("somebody"), "heard");
    assertEquals("heard", inbox.next().message());
  }

  @Test
  void closeStopsAllDeliveryAndIsIdempotent() throws Exception {
    Inbox inbox = new Inbox();
    bus.subscribe(channel("c"), inbox);
    bus.publish(channel("c"), "before");
    assertEquals("before", inbox.next().message());
    bus.close();
    bus.close();
    assertDoesNotThrow(() -> bus.publish(channel("c"), "after close"));
    assertThrows(IllegalStateException.class, () -> bus.subscribe(channel("c"), new Inbox()));
    assertEquals(List.of("before"), inbox.messages());
  }

  @Test
  void aMessagePublishedOnOneBusReachesSubscribersOfItsPeer() throws Exception {
    Bus other = peer();
    Inbox here = new Inbox();
    Inbox there = new Inbox();
    bus.subscribe(channel("docs.x"), here);
    other.subscribe(channel("docs.x"), there);
    other.publish(channel("docs.x"), "from the peer");
    assertEquals("from the peer", here.next().message());
    assertEquals("from the peer", there.next().message());
    bus.publish(channel("docs.x"), "from here");
    assertEquals("from here", here.next().message());
    assertEquals("from here", there.next().message());
  }

  @Test
  void aClosedBusHearsNothingFromItsPeerAndThePeerGoesOn() throws Exception {
    Bus other = peer();
    Inbox closed = new Inbox();
    Inbox open = new Inbox();
    bus.subscribe(channel("c"), closed);
    other.subscribe(channel("c"), open);
    bus.close();
    other.publish(channel("c"), "after close");
    assertEquals("after close", open.next().message());
    assertEquals(List.of(), closed.messages());
  }

  @Test
  void theReconnectHookIsNotCalledWhileNothingDisconnects() throws Exception {
    AtomicInteger reconnects = new AtomicInteger();
    bus.onReconnect(reconnects::incrementAndGet);
    Inbox inbox = new Inbox();
    bus.subscribe(channel("c"), inbox);
    bus.publish(channel("c"), "m");
    assertEquals("m", inbox.next().message());
    assertEquals(0, reconnects.get());
  }
}
