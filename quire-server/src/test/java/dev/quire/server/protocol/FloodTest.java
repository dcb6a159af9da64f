package dev.quire.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.ProtocolTestServer;
import dev.quire.server.testing.WsClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends faster than it may: past its burst its requests are refused with
 * ERR_QUIRE_RATE_LIMITED, and past max-inbox waiting messages it is closed with 1008. Either
 * way the documents are untouched and the other clients, with their own budgets, are served.
 */
class FloodTest {
  static final int BURST = 20;
  static final double RATE = 0.1; // a token every 10 s: none comes back during the test, give or take one
  static final int FLOOD = 300;

  @TempDir Path tmp;

  @Test
  void aFloodPastTheBurstIsAnsweredWithErrQuireRateLimited() {
    try (ProtocolTestServer server = ProtocolTestServer.start(tmp, Map.of("rate-limit", "" + RATE, "rate-burst", "" + BURST))) {
      String doc = server.newDoc("Hello world");
      server.assertHarmless(doc, () -> {
        try (WsClient flooder = server.client()) {
          long start = System.nanoTime();
          for (int i = 0; i < FLOOD; i++) {
            flooder.send(Msg.fetch(doc));
          }
          int served = 0;
          int limited = 0;
          for (int i = 0; i < FLOOD; i++) {
            JsonNode reply = flooder.next(Msg.replyTo("f", doc));
            if (Msg.isError(reply)) {
              assertEquals("ERR_QUIRE_RATE_LIMITED", Msg.errorCode(reply), reply::toString);
              assertEquals(Msg.fetch(doc), Msg.withoutError(reply));
              limited++;
            } else {
              served++;
            }
          }
          // The handshake took one token of the burst; the clock may have given back a few.
          double seconds = (System.nanoTime() - start) / 1e9 + 1;
          assertTrue(served >= BURST - 1 && served <= BURST - 1 + (int) Math.ceil(seconds * RATE),
              "served " + served + " of " + FLOOD + " in about " + seconds + " s");
          assertEquals(FLOOD, served + limited);
          assertFalse(flooder.isClosed(), "a rate-limited client is refused, not closed");
        }
      });
    }
  }

  /**
   * With a tiny inbox, requests that arrive while one is being handled pile up past it and the
   * connection is closed with 1008. A machine fast enough to answer every fetch before the next
   * frame arrives would answer them all instead; both are bounded, and both are accepted.
   */
  @Test
  void aFloodPastMaxInboxClosesWith1008OrIsAnsweredInFull() {
    try (ProtocolTestServer server = ProtocolTestServer.start(tmp, Map.of("max-inbox", "2", "rate-burst", "100000"))) {
      String doc = server.newDoc("Hello world");
      server.assertHarmless(doc, () -> {
        try (WsClient flooder = server.client()) {
          for (int i = 0; i < FLOOD; i++) {
            try {
              flooder.send(Msg.fetch(doc));
            } catch (RuntimeException closedMidway) {
              break;
            }
          }
          Predicate<JsonNode> reply = Msg.replyTo("f", doc);
          int answered = 0;
          while (answered < FLOOD && flooder.poll(reply, WsClient.TIMEOUT) != null) {
            answered++;
          }
          if (answered < FLOOD) {
            // The server sends 1008; but it closes while the flood is still arriving, and a TCP
            // close with unread input is a reset, which can overtake the close frame: the client
            // then sees 1006 (abnormal closure). Either way the flooder is cut off.
            int code = flooder.awaitClose();
            assertTrue(code == 1008 || code == 1006, "a client that floods past its inbox is closed (1008), got " + code);
          }
          System.out.println("flood past max-inbox: " + (answered < FLOOD ? "closed with 1008 after " + answered + " replies"
              : "all " + FLOOD + " answered"));
        }
      });
    }
  }
}
