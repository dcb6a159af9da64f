package dev.quire.ot.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.RichText;
import dev.quire.ot.json.DeltaJson;
import dev.quire.ot.json.JsonText;

/**
 * Answers one JSON request line about the OT core with one JSON answer line: the contract of
 * {@code ./quire ot eval}, which outside checkers compare against npm {@code rich-text}.
 *
 * <pre>
 * {"fn":"compose","a":OPS,"b":OPS}                          → {"ok":OPS}
 * {"fn":"transform","a":OPS,"b":OPS,"priority":BOOL}        → {"ok":OPS}   a.transform(b, priority)
 * {"fn":"transformPosition","a":OPS,"index":INT,"priority":BOOL} → {"ok":INT}
 * {"fn":"invert","a":OPS,"base":OPS}                        → {"ok":OPS}
 * {"fn":"apply","doc":OPS,"op":OPS}                         → {"ok":OPS} the new document
 * {"fn":"transformPresence","range":RANGE|null,"op":OPS,"own":BOOL} → {"ok":RANGE|null}
 * </pre>
 *
 * A malformed op answers {@code {"error":{"code":"ERR_OT_...","message":...}}}; a line that is not
 * such a request answers the code {@code ERR_MESSAGE_BADLY_FORMED}. Never throws.
 */
public final class Oracle {
  public static final String ERR_MESSAGE_BADLY_FORMED = "ERR_MESSAGE_BADLY_FORMED";

  // readTree alone stops after the first value; "{...} junk" is not a request line.
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final OtLimits limits;

  public Oracle(OtLimits limits) {
    this.limits = limits;
  }

  /** The answer line (without a line break) for one request line. */
  public String answer(String line) {
    JsonNode request;
    try {
      request = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      return error(ERR_MESSAGE_BADLY_FORMED, "the line is not valid JSON: " + e.getOriginalMessage());
    }
    try {
      return answer(request);
    } catch (OtException e) {
      return error(e.code(), e.getMessage());
    } catch (BadRequest e) {
      return error(ERR_MESSAGE_BADLY_FORMED, e.getMessage());
    }
  }

  private String answer(JsonNode request) throws OtException, BadRequest {
    if (request == null || !request.isObject()) {
      throw new BadRequest("a request must be a JSON object with a \"fn\"");
    }
    JsonNode fn = request.get("fn");
    if (fn == null || !fn.isTextual()) {
      throw new BadRequest("a request must have a string \"fn\"");
    }
    switch (fn.textValue()) {
      case "compose":
        return ok(RichText.compose(op(request, "a"), op(request, "b")));
      case "transform":
        return ok(op(request, "a").transform(op(request, "b"), bool(request, "priority")));
      case "transformPosition":
        return "{\"ok\":" + op(request, "a").transformPosition(index(request), bool(request, "priority")) + "}";
      case "invert":
        return ok(op(request, "a").invert(op(request, "base")));
      case "apply":
        return ok(RichText.apply(op(request, "doc"), op(request, "op"), limits));
      case "transformPresence":
        return transformPresence(request);
      default:
        throw new BadRequest("unknown fn \"" + fn.textValue()
            + "\"; one of compose, transform, transformPosition, invert, apply, transformPresence");
    }
  }

  private String transformPresence(JsonNode request) throws OtException, BadRequest {
    JsonNode range = request.get("range");
    if (range == null) {
      throw new BadRequest("\"range\" is missing; give a range object or null");
    }
    Delta op = op(request, "op");
    boolean own = bool(request, "own");
    if (range.isNull()) {
      return "{\"ok\":null}";
    }
    if (!range.isObject()) {
      throw new BadRequest("\"range\" must be an object {index, length} or null");
    }
    try {
      ObjectNode moved = RichText.transformPresence((ObjectNode) range, op, own);
      StringBuilder out = new StringBuilder("{\"ok\":");
      JsonText.value(out, moved);
      return out.append('}').toString();
    } catch (IllegalArgumentException e) {
      throw new BadRequest(e.getMessage());
    }
  }

  private Delta op(JsonNode request, String key) throws OtException, BadRequest {
    JsonNode node = request.get(key);
    if (node == null) {
      throw new BadRequest("\"" + key + "\" is missing");
    }
    try {
      return DeltaJson.fromTree(node, limits);
    } catch (OtException e) {
      throw new OtException(e.error(), key + ": " + e.getMessage());
    }
  }

  private static boolean bool(JsonNode request, String key) throws BadRequest {
    JsonNode node = request.get(key);
    if (node == null || !node.isBoolean()) {
      throw new BadRequest("\"" + key + "\" must be true or false");
    }
    return node.booleanValue();
  }

  private static long index(JsonNode request) throws BadRequest {
    JsonNode node = request.get("index");
    if (node == null || !node.isNumber() || node.doubleValue() != Math.rint(node.doubleValue())
        || node.doubleValue() < 0 || node.doubleValue() > dev.quire.ot.Op.MAX_LENGTH) {
      throw new BadRequest("\"index\" must be a non-negative integer");
    }
    return node.longValue();
  }

  private static String ok(Delta delta) {
    StringBuilder out = new StringBuilder("{\"ok\":");
    DeltaJson.write(delta, out);
    return out.append('}').toString();
  }

  private static String error(String code, String message) {
    StringBuilder out = new StringBuilder("{\"error\":{\"code\":");
    JsonText.string(out, code);
    out.append(",\"message\":");
    JsonText.string(out, message);
    return out.append("}}").toString();
  }

  /** A request that is not of the contract's shape. */
  private static final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }
}
