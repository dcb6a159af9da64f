package dev.quire.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The automerge-paper trace, replayed through the server's apply path, gives the paper's text. */
class ReplayTest {
  private static EditingTrace trace;
  private static List<String> ops;

  static Path repoRoot() {
    String root = System.getProperty("quire.repo.root");
    return root != null ? Path.of(root) : Path.of("..");
  }

  @BeforeAll
  static void load() throws IOException {
    Path file = repoRoot().resolve("traces/automerge-paper.json.gz");
    assertTrue(Files.exists(file), "the trace ships with the repository at " + file);
    trace = EditingTrace.read(file);
    ops = trace.toJsonOps();
  }

  @Test
  void theTraceHasAllItsOps() {
    assertEquals(259_778, ops.size());
    assertEquals("[{\"insert\":\"\\\\\"}]", ops.get(0));
  }

  @Test
  void replayFromAnEmptyDocumentReproducesTheFinalText() throws OtException {
    Replay.Result r = Replay.run(trace, ops, false, OtLimits.DEFAULT);
    assertTrue(r.matches(), "the final text differs from endContent");
    assertEquals(104_852, r.text().length());
    assertEquals("a489e9022976c14e46627aea174d07797edcb3fd17df42605956d4cf01bf9039", r.sha256());
  }

  @Test
  void replayFromQuillsEmptyDocumentKeepsTheTrailingNewline() throws OtException {
    Replay.Result r = Replay.run(trace, ops, true, OtLimits.DEFAULT);
    assertTrue(r.matches(), "the final text differs from endContent + \\n");
    assertEquals("45d826ac043750f7d0a186f5b31cbc8fa359570aab35552c80aef3936717f98f", r.sha256());
  }

  @Test
  void positionsInCodePointsBecomeUtf16UnitsInNonAsciiTraces() {
    EditingTrace t = new EditingTrace("\uD83D\uDE00a", "\uD83D\uDE00xa", List.of(new EditingTrace.Patch(1, 0, "x")));
    assertEquals(List.of("[{\"retain\":2},{\"insert\":\"x\"}]"), t.toJsonOps());
  }
}
