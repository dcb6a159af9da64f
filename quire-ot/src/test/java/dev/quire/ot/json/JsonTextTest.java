package dev.quire.ot.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import org.junit.jupiter.api.Test;

/**
 * Writing ops as JavaScript's {@code JSON.stringify} does, so that text with lone surrogates (a
 * split emoji) survives a round trip exactly. Expected strings are node's output.
 */
class JsonTextTest {

  private static String string(String s) {
    StringBuilder out = new StringBuilder();
    JsonText.string(out, s);
    return out.toString();
  }

  @Test
  void escapesLoneSurrogatesAsLowercaseUnicodeEscapes() {
    assertEquals("\"a\\ud800b\"", string("a\uD800b"));
    assertEquals("\"\\udc00\"", string("\uDC00"));
    assertEquals("\"\\ud83d\"", string("\uD83D"));
    assertEquals("\"\\udc00\\ud800\"", string("\uDC00\uD800"));
  }

  @Test
  void writesSurrogatePairsRaw() {
    assertEquals("\"\uD83D\uDE00\"", string("\uD83D\uDE00"));
  }

  @Test
  void escapesControlCharactersQuotesAndBackslashesOnly() {
    assertEquals("\"\\n\\r\\t\\b\\f\"", string("\n\r\t\b\f"));
    assertEquals("\"\\u0000\\u001f\u007f\"", string("\u0000\u001f\u007f"));
    assertEquals("\"\\\"\\\\/\"", string("\"\\/"));
    assertEquals("\"\u2028\u00e9\"", string("\u2028\u00e9"));
  }

  @Test
  void loneSurrogatesSurviveParseWriteParseExactly() throws OtException {
    String json = "[{\"insert\":\"a\\ud800b\\udc00\"},{\"insert\":\"\\ud83d\\ude00\\ud83d\"}]";
    Delta first = DeltaJson.parse(json, OtLimits.NONE);
    assertEquals("a\uD800b\uDC00", first.get(0).text());
    String written = DeltaJson.write(first);
    assertEquals("[{\"insert\":\"a\\ud800b\\udc00\"},{\"insert\":\"\uD83D\uDE00\\ud83d\"}]", written);
    Delta second = DeltaJson.parse(written, OtLimits.NONE);
    assertEquals(first, second);
    assertEquals(first.get(1).text(), second.get(1).text());
  }

  @Test
  void writesOpsWithAttributesAndEmbeds() throws OtException {
    String json = "[{\"insert\":{\"image\":\"a.png\"},\"attributes\":{\"w\":2,\"x\":null}},"
        + "{\"retain\":3,\"attributes\":{}},{\"delete\":1}]";
    assertEquals(json, DeltaJson.write(DeltaJson.parse(json, OtLimits.NONE)));
  }

  @Test
  void writesIntegralDoublesAsIntegersAsJavaScriptDoes() throws Exception {
    StringBuilder out = new StringBuilder();
    JsonText.value(out, new ObjectMapper().readTree("{\"a\":2.0,\"b\":1.5,\"c\":[null,true,{\"d\":-0.0}]}"));
    assertEquals("{\"a\":2,\"b\":1.5,\"c\":[null,true,{\"d\":0}]}", out.toString());
  }

  @Test
  void utf8LengthCountsBytesAndALoneSurrogateAsItsSixByteEscape() {
    assertEquals(0, JsonText.utf8Length(""));
    assertEquals(1, JsonText.utf8Length("a"));
    assertEquals(2, JsonText.utf8Length("\u00e9"));
    assertEquals(3, JsonText.utf8Length("\u65e5"));
    assertEquals(4, JsonText.utf8Length("\uD83D\uDE00"));
    assertEquals(6, JsonText.utf8Length("\uD800"));
    assertEquals(12, JsonText.utf8Length("\uDE00\uD83D"));
  }
}
