package dev.quire.server.collab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.json.DeltaJson;
import dev.quire.server.store.StoredOp;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed ops as they cross the bus between servers:
 * {@code {"v":LAST,"ts":T,"by":SEQUENCER,"ops":[WIRE,...]}}, the ops of one commit (a batch:
 * consecutive versions, one commit time) as their broadcast messages (as clients receive them),
 * the version of the last one first, so a receiver can tell with a glance whether anything in it
 * is news, the commit time, which the receiving server needs to keep the document's timestamps in
 * order (snapshots by time read them), and the id of the sequencer that committed them, which
 * tells the other servers whom to forward submissions to (see {@link CommitForwarding}). One
 * message per commit, not per op: a hot document's batches cost Redis and every server one
 * message each.
 */
final class BusEnvelope {
  private static final Logger log = LoggerFactory.getLogger(BusEnvelope.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private BusEnvelope() {}

  /** The envelope of a commit's ops (consecutive versions, all with the same commit time). */
  static String of(List<CommittedOp> ops, String by) {
    CommittedOp last = ops.get(ops.size() - 1);
    StringBuilder b = new StringBuilder(96 + ops.size() * 96);
    b.append("{\"v\":").append(last.version()).append(",\"ts\":").append(last.timestamp())
        .append(BY).append(by).append("\",\"ops\":[");
    for (int i = 0; i < ops.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(ops.get(i).wire());
    }
    return b.append("]}").toString();
  }

  /**
   * The version of the envelope's last op, read without parsing: the first {@code "v":} is the
   * envelope's, since it comes first and a quote in a string value is always escaped. -1 when
   * absent.
   */
  static long version(String message) {
    int i = message.indexOf("\"v\":");
    return i < 0 ? -1 : digitsAt(message, i + 4);
  }

  /** The non-negative integer written at {@code from} in {@code message} (0 if none is). */
  static long digitsAt(String message, int from) {
    long v = 0;
    for (int k = from; k < message.length() && Character.isDigit(message.charAt(k)); k++) {
      v = v * 10 + (message.charAt(k) - '0');
    }
    return v;
  }

  /**
   * The id of the sequencer that committed the envelope's ops, or null: the first
   * {@code ,"by":"} is the envelope's, since it comes before the ops.
   */
  static String origin(String message) {
    int i = message.indexOf(BY);
    return i < 0 ? null : idAt(message, i + BY.length());
  }

  /** The id written at {@code from} in {@code message}, up to the next quote (ids hold none); or null. */
  static String idAt(String message, int from) {
    int end = message.indexOf('"', from);
    return end < 0 ? null : message.substring(from, end);
  }

  private static final String BY = ",\"by\":\"";

  /** The ops in {@code message}, in version order; empty (logged) when it is not one of ours. */
  static List<CommittedOp> parse(String collection, String docId, String message) {
    try {
      JsonNode env = MAPPER.readTree(message);
      long ts = env.get("ts").asLong();
      List<CommittedOp> ops = new ArrayList<>();
      for (JsonNode op : env.get("ops")) {
        ops.add(op(collection, docId, op, ts));
      }
      return ops;
    } catch (OtException | RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
      log.warn("ignoring a malformed bus message for {}: {}", docId, e.toString());
      return List.of();
    }
  }

  private static CommittedOp op(String collection, String docId, JsonNode op, long ts) throws OtException {
    {
      long version = op.get("v").asLong();
      String src = op.get("src").asText();
      long seq = op.get("seq").asLong();
      StoredOp.Kind kind;
      Delta delta;
      if (op.has("op")) {
        kind = StoredOp.Kind.EDIT;
        delta = DeltaJson.fromTree(op.get("op"), OtLimits.NONE);
      } else if (op.has("create")) {
        kind = StoredOp.Kind.CREATE;
        delta = DeltaJson.fromTree(op.get("create").get("data"), OtLimits.NONE);
      } else {
        kind = StoredOp.Kind.DELETE;
        delta = null;
      }
      return CommittedOp.of(collection, docId, version, src, seq, kind, delta, ts);
    }
  }
}
