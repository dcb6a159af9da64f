package dev.quire.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.json.DeltaJson;

/**
 * Expected values written by hand as JSON. Single quotes stand for double quotes so that the
 * cases stay readable inside Java strings; no test text needs a real apostrophe.
 */
public final class TestJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TestJson() {}

  /** A Delta from JSON ops, e.g. {@code delta("[{'insert':'A'}]")}, read without limits. */
  public static Delta delta(String json) {
    try {
      return DeltaJson.parse(json.replace('\'', '"'), OtLimits.NONE);
    } catch (OtException e) {
      throw new AssertionError("bad test JSON " + json + ": " + e.getMessage(), e);
    }
  }

  /** An attribute map from a JSON object; {@code null} for JavaScript's {@code undefined}. */
  public static AttributeMap attrs(String json) {
    if (json == null) {
      return null;
    }
    // Reading it as the attributes of a retain goes through the same code as real ops.
    return delta("[{'retain':1,'attributes':" + json + "}]").get(0).attributes();
  }

  public static ObjectNode object(String json) {
    try {
      return (ObjectNode) MAPPER.readTree(json.replace('\'', '"'));
    } catch (JsonProcessingException e) {
      throw new AssertionError("bad test JSON " + json, e);
    }
  }

  /** Asserts structural equality (quill-delta's {@code isEqual}), showing both sides as JSON. */
  public static void assertDelta(String expectedJson, Delta actual) {
    Delta expected = delta(expectedJson);
    assertEquals(expected, actual,
        () -> "expected " + DeltaJson.write(expected) + " but got " + DeltaJson.write(actual));
  }

  /** Asserts equality as parsed JSON (numbers as JavaScript numbers, key order ignored). */
  public static void assertJson(String expectedJson, JsonNode actual) {
    JsonNode expected = object(expectedJson);
    assertTrue(JsonValues.deepEquals(expected, actual), () -> "expected " + expected + " but got " + actual);
  }

  /** Asserts equality of attribute maps; {@code null} means none. */
  public static void assertAttrs(String expectedJson, AttributeMap actual) {
    AttributeMap expected = attrs(expectedJson);
    assertEquals(expected, actual, () -> "expected " + expected + " but got " + actual);
  }
}
