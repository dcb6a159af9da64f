package dev.quire.ot.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.JsonValues;
import dev.quire.ot.OtLimits;
import dev.quire.ot.Seeds;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The request/answer contract of {@code ./quire ot eval}; expected answers are npm rich-text's. */
class OracleTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> CODES = Set.of("ERR_MESSAGE_BADLY_FORMED", "ERR_OT_OP_BADLY_FORMED",
      "ERR_OT_OP_TOO_MANY_COMPONENTS", "ERR_OT_OP_TOO_LARGE", "ERR_OT_DOC_TOO_LARGE");

  private final Oracle oracle = new Oracle(OtLimits.DEFAULT);

  /** Single quotes stand for double quotes, to keep the cases readable. */
  private String answer(String request) {
    return oracle.answer(request.replace('\'', '"'));
  }

  private static void assertAnswer(String expected, String actual) throws Exception {
    JsonNode want = MAPPER.readTree(expected.replace('\'', '"'));
    assertTrue(JsonValues.deepEquals(want, MAPPER.readTree(actual)), () -> "expected " + want + " but got " + actual);
  }

  private static void assertError(String code, String answer) throws Exception {
    assertEquals(code, MAPPER.readTree(answer).path("error").path("code").asText(), answer);
  }

  @Test
  void composes() throws Exception {
    assertAnswer("{'ok':[{'insert':'a','attributes':{'bold':true}}]}",
        answer("{'fn':'compose','a':[{'insert':'a'}],'b':[{'retain':1,'attributes':{'bold':true}}]}"));
  }

  @Test
  void transformsWithPriority() throws Exception {
    assertAnswer("{'ok':[{'retain':1},{'insert':'B'}]}",
        answer("{'fn':'transform','a':[{'insert':'A'}],'b':[{'insert':'B'}],'priority':true}"));
    assertAnswer("{'ok':[{'insert':'B'}]}",
        answer("{'fn':'transform','a':[{'insert':'A'}],'b':[{'insert':'B'}],'priority':false}"));
  }

  @Test
  void transformsAPosition() throws Exception {
    assertAnswer("{'ok':2}", answer("{'fn':'transformPosition','a':[{'retain':2},{'insert':'A'}],'index':2,'priority':true}"));
    assertAnswer("{'ok':3}", answer("{'fn':'transformPosition','a':[{'retain':2},{'insert':'A'}],'index':2,'priority':false}"));
  }

  @Test
  void inverts() throws Exception {
    assertAnswer("{'ok':[{'retain':1,'attributes':{'b':null}}]}",
        answer("{'fn':'invert','a':[{'retain':1,'attributes':{'b':true}}],'base':[{'insert':'x'}]}"));
  }

  @Test
  void appliesAnOpToADocument() throws Exception {
    assertAnswer("{'ok':[{'insert':'xa'}]}", answer("{'fn':'apply','doc':[{'insert':'a'}],'op':[{'insert':'x'}]}"));
  }

  @Test
  void transformsPresenceKeepingOtherKeys() throws Exception {
    assertAnswer("{'ok':{'index':4,'length':0,'k':'x'}}",
        answer("{'fn':'transformPresence','range':{'index':2,'length':0,'k':'x'},'op':[{'retain':2},{'insert':'AB'}],'own':true}"));
    assertAnswer("{'ok':null}", answer("{'fn':'transformPresence','range':null,'op':[{'insert':'X'}],'own':false}"));
  }

  @Test
  void keepsLoneSurrogatesExact() throws Exception {
    assertAnswer("{'ok':[{'insert':'\\u0000\\ud800'}]}",
        answer("{'fn':'compose','a':[{'insert':'\\ud800'}],'b':[{'insert':'\\u0000'}]}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "   ", "null", "[]", "{}", "not json", "{'fn':1}", "{'fn':'nope'}", "{'fn':'compose','a':[]}",
      "{'fn':'compose','a':[],'b':[]} {}", "{'fn':'compose','a':[],'b':[]} garbage",
      "{'fn':'transform','a':[],'b':[],'priority':'yes'}", "{'fn':'transform','a':[],'b':[]}",
      "{'fn':'transformPosition','a':[],'index':-1,'priority':true}",
      "{'fn':'transformPosition','a':[],'index':1.5,'priority':true}",
      "{'fn':'transformPresence','op':[],'own':true}", "{'fn':'transformPresence','range':5,'op':[],'own':true}",
      "{'fn':'transformPresence','range':{'index':'x','length':0},'op':[],'own':true}",
      "{'fn':'transformPresence','range':{'index':0,'length':0},'op':[]}"})
  void aLineThatIsNotARequestIsABadlyFormedMessage(String line) throws Exception {
    assertError("ERR_MESSAGE_BADLY_FORMED", answer(line));
  }

  @Test
  void deeplyNestedJsonIsABadlyFormedMessage() throws Exception {
    assertError("ERR_MESSAGE_BADLY_FORMED", answer("[".repeat(5000) + "]".repeat(5000)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{'fn':'compose','a':[{'retain':0}],'b':[]}",
      "{'fn':'compose','a':[],'b':{'ops':3}}",
      "{'fn':'transform','a':[{'insert':''}],'b':[],'priority':true}",
      "{'fn':'transformPosition','a':[{'retain':{'x':1}}],'index':0,'priority':true}",
      "{'fn':'invert','a':[],'base':[{'delete':1,'attributes':{}}]}",
      "{'fn':'apply','doc':[{'insert':'a'}],'op':[{'retain':2}]}",
      "{'fn':'apply','doc':[{'retain':1}],'op':[]}",
      "{'fn':'transformPresence','range':null,'op':[{'retain':0}],'own':true}"})
  void aMalformedOpIsABadlyFormedOp(String line) throws Exception {
    assertError("ERR_OT_OP_BADLY_FORMED", answer(line));
  }

  @Test
  void aMalformedOpsMessageNamesTheArgument() throws Exception {
    String message = MAPPER.readTree(answer("{'fn':'compose','a':[],'b':[{'insert':'a'},{'retain':0}]}"))
        .path("error").path("message").asText();
    assertTrue(message.startsWith("b: op[1].retain"), message);
  }

  @Test
  void aTooLongDocumentIsRefused() throws Exception {
    Oracle small = new Oracle(new OtLimits(10, 1000, 2));
    assertError("ERR_OT_DOC_TOO_LARGE",
        small.answer("{\"fn\":\"apply\",\"doc\":[{\"insert\":\"ab\"}],\"op\":[{\"insert\":\"c\"}]}"));
  }

  /** Valid requests to mutate into garbage: every fn, so mutations reach every code path. */
  private static final String[] SEEDS = {
      "{\"fn\":\"compose\",\"a\":[{\"insert\":\"ab\",\"attributes\":{\"bold\":true}}],\"b\":[{\"retain\":1},{\"delete\":1}]}",
      "{\"fn\":\"transform\",\"a\":[{\"retain\":2},{\"insert\":\"x\"}],\"b\":[{\"delete\":3}],\"priority\":true}",
      "{\"fn\":\"transformPosition\",\"a\":[{\"insert\":{\"image\":\"a\"}}],\"index\":3,\"priority\":false}",
      "{\"fn\":\"invert\",\"a\":[{\"retain\":1,\"attributes\":{\"c\":\"red\"}}],\"base\":[{\"insert\":\"q\"}]}",
      "{\"fn\":\"apply\",\"doc\":[{\"insert\":\"abc\"}],\"op\":[{\"retain\":1},{\"insert\":\"\\ud800\"}]}",
      "{\"fn\":\"transformPresence\",\"range\":{\"index\":1,\"length\":2},\"op\":[{\"delete\":1}],\"own\":true}"};

  private static final String ALPHABET = "{}[]\":,0123456789-.eE+ntrufalsxyz\\ \u00e9\uD800\uDE00";

  @Test
  void neverThrowsAndAlwaysAnswersOneJsonObjectOnGarbage() {
    long seed = Seeds.choose(OracleTest.class);
    Random random = new Random(seed);
    for (int i = 0; i < 600; i++) {
      String line = garbage(random);
      String answer;
      try {
        answer = oracle.answer(line);
      } catch (RuntimeException | StackOverflowError e) {
        throw new AssertionError("seed " + seed + ": threw on " + line, e);
      }
      try {
        JsonNode node = MAPPER.readTree(answer);
        boolean ok = node.size() == 1 && node.has("ok");
        boolean error = node.size() == 1 && CODES.contains(node.path("error").path("code").asText());
        assertTrue(ok || error, answer);
      } catch (Exception | AssertionError e) {
        fail("seed " + seed + ": bad answer " + answer + " to " + line, e);
      }
    }
  }

  /** A mutated valid request (mostly) or random characters. */
  private static String garbage(Random random) {
    if (random.nextInt(5) == 0) {
      StringBuilder s = new StringBuilder();
      int n = random.nextInt(40);
      for (int i = 0; i < n; i++) {
        s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      return s.toString();
    }
    StringBuilder s = new StringBuilder(SEEDS[random.nextInt(SEEDS.length)]);
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits && s.length() > 0; i++) {
      int at = random.nextInt(s.length());
      switch (random.nextInt(3)) {
        case 0:
          s.deleteCharAt(at);
          break;
        case 1:
          s.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
          break;
        default:
          s.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
    }
    return s.toString();
  }

  @Test
  void aRequestFollowedOnlyByWhitespaceIsAnswered() {
    assertEquals("{\"ok\":[{\"insert\":\"ab\"}]}",
        new Oracle(OtLimits.DEFAULT).answer(
            "{\"fn\":\"compose\",\"a\":[{\"insert\":\"a\"}],\"b\":[{\"retain\":1},{\"insert\":\"b\"}]} \r"));
  }
}
