package dev.quire.server.collab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.json.DeltaJson;
import dev.quire.server.store.StoredOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A committed op as it crosses the bus between servers: {@code {"ts":T,"op":WIRE}}, the op's
 * broadcast message (as clients receive it) plus its commit time, which the receiving server
 * needs to keep the document's timestamps in order (snapshots by time read them).
 */
final class BusEnvelope {
  private static final Logger log = LoggerFactory.getLogger(BusEnvelope.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private BusEnvelope() {}

  static String of(CommittedOp c) {
    return "{\"ts\":" + c.timestamp() + ",\"op\":" + c.wire() + "}";
  }

  /**
   * The op's version, read without parsing: the first {@code "v":} is the op's, since a quote in
   * a string value is always escaped. -1 when absent.
   */
  static long version(String message) {
    int i = message.indexOf("\"v\":");
    if (i < 0) {
      return -1;
    }
    long v = 0;
    for (int k = i + 4; k < message.length() && Character.isDigit(message.charAt(k)); k++) {
      v = v * 10 + (message.charAt(k) - '0');
    }
    return v;
  }

  /** The op in {@code message}, or null (logged) when it is not one of ours. */
  static CommittedOp parse(String collection, String docId, String message) {
    try {
      JsonNode env = MAPPER.readTree(message);
      JsonNode op = env.get("op");
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
      return CommittedOp.of(collection, docId, version, src, seq, kind, delta, env.get("ts").asLong());
    } catch (OtException | RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
      log.warn("ignoring a malformed bus message for {}: {}", docId, e.toString());
      return null;
    }
  }
}
