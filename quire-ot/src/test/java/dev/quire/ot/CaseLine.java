package dev.quire.ot;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * One line of {@code gen-cases.js}: {@code {"req":REQUEST,"expect":ANSWER}}.
 *
 * <p>The request is kept as the exact text the reference produced (cut out of the line by the
 * parser's offsets) rather than re-serialised, so the oracle reads byte for byte what a client
 * would send, lone-surrogate escapes included. A request that is deliberately not a JSON object
 * or array arrives as a JSON string holding the raw line.
 *
 * @param request the request line to hand to the oracle
 * @param label what the case exercises: its fn, or the error code it expects
 * @param expect the reference's answer, {@code {"ok":...}} or {@code {"error":{"code":...}}}
 */
record CaseLine(String request, String label, JsonNode expect) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static CaseLine parse(String line) throws IOException {
    String request = null;
    String fn = "?";
    JsonNode expect = null;
    try (JsonParser p = MAPPER.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a case line must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("req") && t == JsonToken.VALUE_STRING) {
          request = p.getText();
        } else if (name.equals("req") && (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)) {
          int start = (int) p.currentTokenLocation().getCharOffset();
          JsonNode tree = MAPPER.readTree(p);
          int end = (int) p.currentLocation().getCharOffset();
          request = line.substring(start, end);
          fn = tree.path("fn").isTextual() ? tree.path("fn").textValue() : "?";
        } else if (name.equals("expect")) {
          expect = MAPPER.readTree(p);
        } else {
          throw new IOException("unexpected \"" + name + "\" (" + t + ") in a case line");
        }
      }
    }
    if (request == null || expect == null || !expect.isObject()) {
      throw new IOException("a case line needs \"req\" and an object \"expect\"");
    }
    JsonNode code = expect.path("error").path("code");
    return new CaseLine(request, code.isTextual() ? code.textValue() : fn, expect);
  }

  /** Whether the reference expects a refusal, of which only the code is compared. */
  boolean expectsError() {
    return expect.has("error");
  }
}
