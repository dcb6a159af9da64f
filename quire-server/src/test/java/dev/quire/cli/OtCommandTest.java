package dev.quire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code quire ot eval} answers one line per request line, errors included, and goes on. */
class OtCommandTest {

  private static String run(String stdin, String... args) {
    InputStream oldIn = System.in;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new Main()).execute(args);
      assertEquals(0, code);
    } finally {
      System.setIn(oldIn);
      System.setOut(oldOut);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void evalAnswersEachLineInOrderAndSurvivesBadLines() {
    String answers = run(String.join("\n",
        "{\"fn\":\"compose\",\"a\":[{\"insert\":\"ab\"}],\"b\":[{\"retain\":1},{\"insert\":\"x\"}]}",
        "not json",
        "",
        "{\"fn\":\"apply\",\"doc\":[{\"insert\":\"ab\"}],\"op\":[{\"retain\":5}]}",
        "{\"fn\":\"transformPosition\",\"a\":[{\"insert\":\"xyz\"}],\"index\":1,\"priority\":false}") + "\n",
        "ot", "eval");
    String[] lines = answers.split("\n");
    assertEquals(5, lines.length, answers);
    assertEquals("{\"ok\":[{\"insert\":\"axb\"}]}", lines[0]);
    assertTrue(lines[1].startsWith("{\"error\":{\"code\":\"ERR_MESSAGE_BADLY_FORMED\""), lines[1]);
    assertTrue(lines[2].startsWith("{\"error\":{\"code\":\"ERR_MESSAGE_BADLY_FORMED\""), lines[2]);
    assertTrue(lines[3].startsWith("{\"error\":{\"code\":\"ERR_OT_OP_BADLY_FORMED\""), lines[3]);
    assertEquals("{\"ok\":4}", lines[4]);
  }

  @Test
  void loneSurrogatesComeBackEscaped() {
    String answer = run("{\"fn\":\"compose\",\"a\":[{\"insert\":\"\\ud83d\\ude00\"}],\"b\":[{\"retain\":1},{\"delete\":1}]}\n",
        "ot", "eval");
    assertEquals("{\"ok\":[{\"insert\":\"\\ud83d\"}]}", answer.trim());
  }
}
