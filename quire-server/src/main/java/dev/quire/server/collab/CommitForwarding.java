package dev.quire.server.collab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.json.DeltaJson;
import dev.quire.ot.json.JsonText;
import dev.quire.server.store.StoredOp;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus messages by which a server hands submissions to the server that is committing a hot
 * document, and by which that server hands back the ones it did not commit.
 *
 * <p>Why: with several servers committing to one document, each commit races the others' for
 * the next version, and the loser pays a wasted transaction, a wait for the winner's ops and a
 * second transform (measured with 2 servers × 50 authors on one document: 0.82 ms of server CPU
 * per op against 0.34 ms with all authors on one server, and a p99 five times longer). So when a
 * document's sequencer sees another server commit to it, the one with the smaller id keeps
 * committing and the others forward their submissions to it. The committed op comes back to the
 * forwarder on the bus like any other, which is how it learns the op's version and acks its
 * client. Correctness never depends on this (ARCHITECTURE.md §3, invariant 5): a forwarded
 * submission that is not settled within a timeout, or is handed back, is committed by the
 * forwarder itself, and {@code (src, seq)} deduplication makes a double commit impossible.
 *
 * <ul>
 *   <li>{@code {"fwd":TO,"from":FROM,"subs":[{"src":S,"seq":N,"v":V,"op":[...]},...]}}: edits
 *       for sequencer {@code TO} to commit;
 *   <li>{@code {"back":TO,"src":S,"seq":N}}: sequencer {@code TO}'s submission, not committed
 *       (refused, a duplicate, or the store failed): its forwarder runs it itself, which gives the
 *       client the right answer.
 * </ul>
 */
final class CommitForwarding {
  private static final Logger log = LoggerFactory.getLogger(CommitForwarding.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String FWD = "{\"fwd\":\"";
  private static final String BACK = "{\"back\":\"";

  private CommitForwarding() {}

  /** A forwarded edit as the committing server reads it. */
  record Forwarded(String src, long seq, long version, dev.quire.ot.Delta op) {}

  static String forward(String to, String from, List<Submission> subs) {
    StringBuilder b = new StringBuilder(64 + subs.size() * 128);
    b.append(FWD).append(to).append("\",\"from\":\"").append(from).append("\",\"subs\":[");
    for (int i = 0; i < subs.size(); i++) {
      Submission s = subs.get(i);
      b.append(i == 0 ? "{\"src\":" : ",{\"src\":");
      JsonText.string(b, s.src());
      b.append(",\"seq\":").append(s.seq()).append(",\"v\":").append(s.version()).append(",\"op\":");
      DeltaJson.write(s.op(), b);
      b.append('}');
    }
    return b.append("]}").toString();
  }

  static String back(String to, String src, long seq) {
    StringBuilder b = new StringBuilder(64);
    b.append(BACK).append(to).append("\",\"src\":");
    JsonText.string(b, src);
    return b.append(",\"seq\":").append(seq).append('}').toString();
  }

  /** The sequencer a forward is for, or null when {@code message} is not a forward. */
  static String forwardTarget(String message) {
    return target(message, FWD);
  }

  /** The sequencer a hand-back is for, or null when {@code message} is not one. */
  static String backTarget(String message) {
    return target(message, BACK);
  }

  private static String target(String message, String prefix) {
    return message.startsWith(prefix) ? BusEnvelope.idAt(message, prefix.length()) : null;
  }

  /** The forwarding sequencer's id, read on the committing server. */
  static String sender(JsonNode forward) {
    return forward.path("from").asText();
  }

  static JsonNode read(String message) {
    try {
      return MAPPER.readTree(message);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      log.warn("ignoring a malformed forwarding message: {}", e.toString());
      return MAPPER.createObjectNode();
    }
  }

  /**
   * The edits of a forward, each parsed under {@code limits}; one that does not parse is left out
   * (its forwarder's timeout commits it there, where the client hears why it is refused).
   */
  static List<Forwarded> submissions(JsonNode forward, OtLimits limits) {
    List<Forwarded> out = new ArrayList<>();
    for (JsonNode s : forward.path("subs")) {
      try {
        if (!s.path("src").isTextual() || !s.path("seq").canConvertToLong() || !s.path("v").canConvertToLong()) {
          throw new IllegalArgumentException("missing src, seq or v");
        }
        out.add(new Forwarded(s.get("src").asText(), s.get("seq").asLong(), s.get("v").asLong(),
            DeltaJson.fromTree(s.get("op"), limits)));
      } catch (OtException | RuntimeException e) {
        log.warn("ignoring a malformed forwarded submission: {}", e.toString());
      }
    }
    return out;
  }

  /** A submission handed back: its {@code src} and {@code seq}. */
  record Back(String src, long seq) {}

  /** The submission a hand-back names, or null when it is malformed. */
  static Back backed(String message) {
    JsonNode n = read(message);
    if (!n.path("src").isTextual() || !n.path("seq").canConvertToLong()) {
      return null;
    }
    return new Back(n.get("src").asText(), n.get("seq").asLong());
  }

  /** Only edits based on a version are forwarded: creates and deletes are rare and stay local. */
  static boolean forwardable(Submission s) {
    return s.kind() == StoredOp.Kind.EDIT && s.version() != null && s.op() != null;
  }
}
