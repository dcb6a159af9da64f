package dev.quire.ot.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.Delta;
import dev.quire.ot.OtError;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.RichText;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Strict reading of ops (sharedb-protocol.md §7): what is accepted, and every refusal. */
class DeltaJsonTest {

  /** Single quotes stand for double quotes, to keep the cases readable. */
  private static String q(String json) {
    return json.replace('\'', '"');
  }

  private static Delta parse(String json) throws OtException {
    return DeltaJson.parse(json, OtLimits.NONE);
  }

  private static OtException refusal(String json, OtLimits limits) {
    return assertThrows(OtException.class, () -> DeltaJson.parse(json, limits), json);
  }

  @Nested
  class Accepts {
    @Test
    void anArrayOfOps() throws OtException {
      Delta d = parse(q("[{'insert':'a','attributes':{'bold':true}},{'retain':2},{'delete':1}]"));
      assertEquals(new Delta().insert("a", d.get(0).attributes()).retain(2).delete(1), d);
    }

    @Test
    void aQuillDeltaObject() throws OtException {
      assertEquals(parse(q("[{'insert':'x'}]")), parse(q("{'ops':[{'insert':'x'}]}")));
    }

    @Test
    void emptyOps() throws OtException {
      assertEquals(new Delta(), parse("[]"));
      assertEquals(new Delta(), parse(q("{'ops':[]}")));
    }

    @Test
    void opsAsTheyAreWithoutNormalising() throws OtException {
      assertEquals(2, parse(q("[{'insert':'a'},{'insert':'b'}]")).size());
    }

    @Test
    void integralNumbersWrittenAsFloatsAsJavaScriptDoes() throws OtException {
      assertEquals(2, parse(q("[{'retain':2.0}]")).get(0).length());
      assertEquals(10, parse(q("[{'delete':1e1}]")).get(0).length());
    }

    @Test
    void theLargestSafeInteger() throws OtException {
      assertEquals(9007199254740991L, parse(q("[{'delete':9007199254740991}]")).get(0).length());
    }

    @Test
    void embedsAndAttributeValuesOfAnyJson() throws OtException {
      Delta d = parse(q("[{'insert':{'image':'a.png','size':[1,2]},'attributes':{'x':null,'y':{'z':[true]}}}]"));
      assertTrue(d.get(0).isEmbed());
      assertTrue(d.get(0).attributes().get("x").isNull());
    }

    @Test
    void emptyAttributesAsGiven() throws OtException {
      assertTrue(parse(q("[{'retain':1,'attributes':{}}]")).get(0).attributes().isEmpty());
    }

    @Test
    void stringLengthsInUtf16CodeUnits() throws OtException {
      assertEquals(2, parse("[{\"insert\":\"\uD83D\uDE00\"}]").length());
      assertEquals(2, parse("[{\"insert\":\"\\ud83d\\ude00\"}]").length());
      assertEquals(1, parse("[{\"insert\":\"\\ud800\"}]").length());
    }
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("a zero length", "[{'insert':'a'},{'retain':0}]", "op[1].retain"),
        Arguments.of("a negative length", "[{'insert':'a'},{'delete':-1}]", "op[1].delete"),
        Arguments.of("minus zero", "[{'insert':'a'},{'delete':-0}]", "op[1].delete"),
        Arguments.of("a fractional length", "[{'insert':'a'},{'retain':1.5}]", "op[1].retain"),
        Arguments.of("a string length", "[{'insert':'a'},{'retain':'3'}]", "op[1].retain"),
        Arguments.of("a null length", "[{'insert':'a'},{'delete':null}]", "op[1].delete"),
        Arguments.of("a boolean length", "[{'insert':'a'},{'retain':true}]", "op[1].retain"),
        Arguments.of("a length of 2^53", "[{'insert':'a'},{'delete':9007199254740992}]", "op[1].delete"),
        Arguments.of("a huge integer length", "[{'insert':'a'},{'retain':99999999999999999999999}]", "op[1].retain"),
        Arguments.of("an infinite length", "[{'insert':'a'},{'retain':1e400}]", "op[1].retain"),
        Arguments.of("none of insert, retain, delete", "[{'insert':'a'},{}]", "op[1]: has none"),
        Arguments.of("only attributes", "[{'insert':'a'},{'attributes':{'b':1}}]", "op[1]: has none"),
        Arguments.of("insert and retain", "[{'insert':'a'},{'insert':'b','retain':1}]", "op[1]: has more than one"),
        Arguments.of("retain and delete", "[{'insert':'a'},{'retain':1,'delete':1}]", "op[1]: has more than one"),
        Arguments.of("an unknown key", "[{'insert':'a'},{'insert':'b','foo':1}]", "op[1]: unknown key \"foo\""),
        Arguments.of("null attributes", "[{'insert':'a'},{'insert':'b','attributes':null}]", "op[1].attributes"),
        Arguments.of("array attributes", "[{'insert':'a'},{'insert':'b','attributes':[]}]", "op[1].attributes"),
        Arguments.of("string attributes", "[{'insert':'a'},{'retain':1,'attributes':'bold'}]", "op[1].attributes"),
        Arguments.of("a number insert", "[{'insert':'a'},{'insert':1}]", "op[1].insert"),
        Arguments.of("a null insert", "[{'insert':'a'},{'insert':null}]", "op[1].insert"),
        Arguments.of("an array insert", "[{'insert':'a'},{'insert':['x']}]", "op[1].insert"),
        Arguments.of("an empty string insert", "[{'insert':'a'},{'insert':''}]", "op[1].insert"),
        Arguments.of("an object retain", "[{'insert':'a'},{'retain':{'x':1}}]", "op[1].retain"),
        Arguments.of("a delete with attributes", "[{'insert':'a'},{'delete':1,'attributes':{'b':1}}]", "op[1]: a delete"),
        Arguments.of("a delete with empty attributes", "[{'insert':'a'},{'delete':1,'attributes':{}}]", "op[1]: a delete"),
        Arguments.of("a duplicate insert", "[{'insert':'a'},{'insert':'b','insert':'c'}]", "op[1]: the key \"insert\" appears twice"),
        Arguments.of("a duplicate retain", "[{'insert':'a'},{'retain':1,'retain':1}]", "op[1]: the key \"retain\" appears twice"),
        Arguments.of("a duplicate delete", "[{'insert':'a'},{'delete':1,'delete':2}]", "op[1]: the key \"delete\" appears twice"),
        Arguments.of("duplicate attributes", "[{'insert':'a'},{'retain':1,'attributes':{},'attributes':{}}]",
            "op[1]: the key \"attributes\" appears twice"),
        Arguments.of("a duplicate ops key", "{'ops':[],'ops':[]}", "\"ops\" appears twice"),
        Arguments.of("a component that is not an object", "[{'insert':'a'},3]", "op[1]: a component must be an object"),
        Arguments.of("a component that is an array", "[{'insert':'a'},[]]", "op[1]: a component must be an object"),
        Arguments.of("a string op", "'abc'", "an op must be an array"),
        Arguments.of("a number op", "3", "an op must be an array"),
        Arguments.of("a null op", "null", "an op must be an array"),
        Arguments.of("no text at all", "", "an op must be an array"),
        Arguments.of("an object without ops", "{}", "no \"ops\" array"),
        Arguments.of("an object with another key", "{'ops':[],'x':1}", "unknown key \"x\""),
        Arguments.of("ops that are not an array", "{'ops':{}}", "\"ops\" must be an array"),
        Arguments.of("an unclosed array", "[{'insert':'a'},", "not valid JSON"),
        Arguments.of("a stray close bracket", "[]]", "not valid JSON"),
        Arguments.of("a leading zero", "[{'retain':01}]", "not valid JSON"),
        Arguments.of("NaN", "[{'retain':NaN}]", "not valid JSON"),
        Arguments.of("a comment", "[{'retain':1}] // c", "not valid JSON"),
        Arguments.of("a raw control character", "[{'insert':'a\u0001'}]", "not valid JSON"),
        Arguments.of("trailing garbage", "[] x", "not valid JSON"),
        Arguments.of("a JavaScript built-in as an attribute name", "[{'insert':'a','attributes':{'constructor':1}}]",
            "op[0].attributes: the name \"constructor\" is reserved"),
        Arguments.of("__proto__ as an attribute name", "[{'retain':1,'attributes':{'__proto__':{}}}]", "reserved"),
        Arguments.of("a second value", "[] []", "unexpected text after the op"));
  }

  @ParameterizedTest(name = "refuses {0}")
  @MethodSource("malformed")
  void refusesMalformedOpsNamingWhatIsWrong(String what, String json, String messagePart) {
    OtException e = refusal(q(json), OtLimits.NONE);
    assertEquals(OtError.OP_BADLY_FORMED, e.error(), e.getMessage());
    assertEquals("ERR_OT_OP_BADLY_FORMED", e.code());
    assertTrue(e.getMessage().contains(messagePart), () -> "message \"" + e.getMessage() + "\" lacks " + messagePart);
  }

  @Test
  void refusesSingleQuotedJson() {
    assertEquals(OtError.OP_BADLY_FORMED, refusal("[{'insert':'a'}]", OtLimits.NONE).error());
  }

  @Nested
  class Limits {
    @Test
    void tooManyComponentsAreRefusedWithTheirOwnCode() throws OtException {
      OtLimits two = new OtLimits(2, 1000, 1000);
      DeltaJson.parse(q("[{'insert':'a'},{'retain':1}]"), two);
      OtException e = refusal(q("[{'insert':'a'},{'retain':1},{'delete':1}]"), two);
      assertEquals("ERR_OT_OP_TOO_MANY_COMPONENTS", e.code());
    }

    @Test
    void tooManyBytesAreRefusedWithTheirOwnCode() throws OtException {
      String json = q("[{'insert':'\u00e9'}]"); // 16 characters, 17 bytes of UTF-8
      DeltaJson.parse(json, new OtLimits(10, 17, 1000));
      OtException e = refusal(json, new OtLimits(10, 16, 1000));
      assertEquals("ERR_OT_OP_TOO_LARGE", e.code());
    }

    @Test
    void theByteLimitIsCheckedBeforeTheOpIsRead() {
      OtException e = refusal("[not json at all]", new OtLimits(10, 5, 1000));
      assertEquals(OtError.OP_TOO_LARGE, e.error());
    }

    @Test
    void aTreeIsCheckedForComponents() throws Exception {
      OtException e = assertThrows(OtException.class, () -> DeltaJson.fromTree(
          new ObjectMapper().readTree(q("[{'insert':'a'},{'retain':1}]")), new OtLimits(1, 1000, 1000)));
      assertEquals(OtError.OP_TOO_MANY_COMPONENTS, e.error());
    }

    @Test
    void aTooLongDocumentIsRefusedOnApply() throws OtException {
      OtLimits limits = new OtLimits(10, 1000, 3);
      Delta doc = DeltaJson.parse(q("[{'insert':'ab'}]"), limits);
      Delta op = DeltaJson.parse(q("[{'retain':2},{'insert':'cd'}]"), limits);
      OtException e = assertThrows(OtException.class, () -> RichText.apply(doc, op, limits));
      assertEquals("ERR_OT_DOC_TOO_LARGE", e.code());
    }
  }

  @Nested
  class ReadingInsideAMessage {
    private final String message = q("{'a':1,'op':[{'insert':'abc'}],'v':2}"); // the op is 18 bytes

    private JsonNode opOf(String json) throws Exception {
      return new ObjectMapper().readTree(json).get("op");
    }

    @Test
    void readsTheOpFromTheMessageTree() throws Exception {
      assertEquals(new Delta().insert("abc"), DeltaJson.fromTree(opOf(message), new OtLimits(10, 18, 1000)));
    }

    @Test
    void measuresOnlyTheOpAgainstTheByteLimit() throws Exception {
      OtException e = assertThrows(OtException.class, () -> DeltaJson.fromTree(opOf(message), new OtLimits(10, 17, 1000)));
      assertEquals(OtError.OP_TOO_LARGE, e.error());
    }
  }
}
