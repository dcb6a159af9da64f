package dev.quire.ot.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written op reader against Jackson, the JSON library we trust: on random ops (with
 * deeply mixed attribute values, escapes and odd whitespace) and on random corruptions of them,
 * whatever Jackson refuses as JSON we refuse too, and whatever we accept Jackson reads to the
 * same op.
 */
class OpParserFuzzTest {
  private static final ObjectMapper JACKSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String CHARS = "ab \"\\/\n\t\u00e9\u4e2d\ud83d\ude00\ud800\u0001";

  @Test
  void agreesWithJacksonOnValidAndCorruptedOps() throws Exception {
    long seed = Long.getLong("quire.seed", new Random().nextLong());
    System.out.println("OpParserFuzzTest seed " + seed + " (rerun with -Dquire.seed=" + seed + ")");
    Random rnd = new Random(seed);
    int accepted = 0;
    for (int n = 0; n < 20_000; n++) {
      String valid = spaced(rnd, randomOp(rnd));
      Delta ours = DeltaJson.parse(valid, OtLimits.NONE);
      assertEquals(DeltaJson.fromTree(JACKSON.readTree(valid), OtLimits.NONE), ours, "seed " + seed + ": " + valid);
      String text = corrupt(rnd, valid);
      JsonNode tree;
      try {
        tree = JACKSON.readTree(text);
      } catch (JsonProcessingException e) {
        tree = null;
      }
      Delta mine;
      try {
        mine = DeltaJson.parse(text, OtLimits.NONE);
      } catch (OtException e) {
        continue;
      }
      accepted++;
      if (tree == null) {
        fail("seed " + seed + ": accepted text that is not JSON: " + text);
      }
      assertEquals(DeltaJson.fromTree(tree, OtLimits.NONE), mine, "seed " + seed + ": " + text);
    }
    assertTrue(accepted > 100, "the corruptions should leave some ops valid; accepted " + accepted);
  }

  private static String randomString(Random rnd) {
    StringBuilder sb = new StringBuilder();
    int len = 1 + rnd.nextInt(6);
    for (int i = 0; i < len; i++) {
      sb.append(CHARS.charAt(rnd.nextInt(CHARS.length())));
    }
    return sb.toString();
  }

  private static JsonNode randomValue(Random rnd, int depth) {
    switch (rnd.nextInt(depth > 3 ? 5 : 7)) {
      case 0:
        return F.textNode(randomString(rnd));
      case 1:
        return F.numberNode(rnd.nextInt(2000) - 1000);
      case 2:
        return F.numberNode(rnd.nextDouble() * 1e6);
      case 3:
        return F.booleanNode(rnd.nextBoolean());
      case 4:
        return F.nullNode();
      case 5: {
        ArrayNode a = F.arrayNode();
        for (int i = rnd.nextInt(3); i > 0; i--) {
          a.add(randomValue(rnd, depth + 1));
        }
        return a;
      }
      default: {
        ObjectNode o = F.objectNode();
        for (int i = rnd.nextInt(3); i > 0; i--) {
          o.set(randomString(rnd), randomValue(rnd, depth + 1));
        }
        return o;
      }
    }
  }

  private static ArrayNode randomOp(Random rnd) {
    ArrayNode ops = F.arrayNode();
    for (int i = 1 + rnd.nextInt(4); i > 0; i--) {
      ObjectNode op = F.objectNode();
      switch (rnd.nextInt(4)) {
        case 0:
          op.put("insert", randomString(rnd));
          break;
        case 1:
          op.set("insert", F.objectNode().set("image", randomValue(rnd, 1)));
          break;
        case 2:
          op.put("retain", 1 + rnd.nextInt(100));
          break;
        default:
          op.put("delete", 1 + rnd.nextInt(100));
      }
      if (!op.has("delete") && rnd.nextBoolean()) {
        ObjectNode attrs = F.objectNode();
        for (int k = rnd.nextInt(3); k >= 0; k--) {
          attrs.set(randomString(rnd), randomValue(rnd, 1));
        }
        op.set("attributes", attrs);
      }
      ops.add(op);
    }
    return ops;
  }

  /** The op's JSON text with random whitespace between tokens, written by our writer. */
  private static String spaced(Random rnd, ArrayNode op) {
    StringBuilder sb = new StringBuilder();
    JsonText.value(sb, op);
    String compact = sb.toString();
    StringBuilder out = new StringBuilder();
    boolean inString = false;
    for (int i = 0; i < compact.length(); i++) {
      char c = compact.charAt(i);
      out.append(c);
      if (c == '"' && (i == 0 || compact.charAt(i - 1) != '\\' || compact.charAt(i - 2) == '\\')) {
        inString = !inString;
      }
      if (!inString && (c == ',' || c == ':' || c == '[' || c == '{') && rnd.nextInt(4) == 0) {
        out.append(" \n\t\r".charAt(rnd.nextInt(4)));
      }
    }
    return out.toString();
  }

  private static String corrupt(Random rnd, String s) {
    StringBuilder sb = new StringBuilder(s);
    for (int k = 1 + rnd.nextInt(2); k > 0 && sb.length() > 0; k--) {
      int at = rnd.nextInt(sb.length());
      String junk = "{}[]\",:\\0123456789-+.eEtruefalsn u ";
      switch (rnd.nextInt(3)) {
        case 0:
          sb.deleteCharAt(at);
          break;
        case 1:
          sb.insert(at, junk.charAt(rnd.nextInt(junk.length())));
          break;
        default:
          sb.setCharAt(at, junk.charAt(rnd.nextInt(junk.length())));
      }
    }
    return sb.toString();
  }
}
