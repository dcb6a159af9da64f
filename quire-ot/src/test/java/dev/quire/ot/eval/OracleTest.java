package dev.quire.ot.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.ot.OtLimits;
import org.junit.jupiter.api.Test;

class OracleTest {
  private final Oracle oracle = new Oracle(OtLimits.DEFAULT);

  @Test
  void aRequestFollowedByMoreTextIsNotARequestLine() {
    for (String line : new String[] {
        "{\"fn\":\"compose\",\"a\":[],\"b\":[]} trailing", "{\"fn\":\"compose\",\"a\":[],\"b\":[]}{}"}) {
      assertTrue(oracle.answer(line).startsWith("{\"error\":{\"code\":\"ERR_MESSAGE_BADLY_FORMED\""), line);
    }
  }

  @Test
  void aRequestFollowedOnlyByWhitespaceIsAnswered() {
    assertEquals("{\"ok\":[{\"insert\":\"ab\"}]}",
        oracle.answer("{\"fn\":\"compose\",\"a\":[{\"insert\":\"a\"}],\"b\":[{\"retain\":1},{\"insert\":\"b\"}]} \r"));
  }
}
