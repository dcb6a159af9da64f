package dev.quire.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quire.ot.Delta;
import dev.quire.ot.json.DeltaJson;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The load generator keeps a document's length, not its text, so it must know what the server
 * makes of its one-character delete when another op was committed first. Checked against the OT
 * core's own transform (the committed op wins, as the server transforms) on seeded random ops.
 */
class FrameTest {
  @Test
  void aDeleteIsMovedOrDroppedExactlyAsTheServerTransformsIt() throws Exception {
    long seed = Long.getLong("quire.seed", System.nanoTime());
    System.out.println("FrameTest seed " + seed + " (rerun with -Dquire.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 20_000; round++) {
      int length = 1 + random.nextInt(40);
      Delta committed = randomOp(random, length);
      int at = random.nextInt(length);
      Delta mine = new Delta().retain(at).delete(1);
      Delta transformed = committed.transform(mine, true);

      Frame f = Frame.parse("{\"a\":\"op\",\"v\":3,\"src\":\"x\",\"seq\":1,\"op\":" + DeltaJson.write(committed) + "}");
      long moved = f.transformPosition(at);
      String why = "seed " + seed + " round " + round + ": " + DeltaJson.write(committed) + " then delete at " + at;
      if (transformed.changeLength() == 0) {
        assertEquals(-1, moved, why);
      } else {
        assertEquals(DeltaJson.write(new Delta().retain(moved).delete(1)), DeltaJson.write(transformed), why);
      }
      assertEquals(committed.changeLength(), f.lengthDelta, why);
    }
  }

  /** Retains, inserts (text and embeds) and deletes over a document of {@code length}. */
  private static Delta randomOp(SplittableRandom random, int length) {
    Delta d = new Delta();
    int left = length;
    while (left > 0 && random.nextInt(4) != 0) {
      int n = 1 + random.nextInt(left);
      switch (random.nextInt(3)) {
        case 0 -> {
          d.retain(n);
          left -= n;
        }
        case 1 -> {
          d.delete(n);
          left -= n;
        }
        default -> d.insert("xyz".substring(0, 1 + random.nextInt(3)));
      }
    }
    if (random.nextBoolean()) {
      d.insert("!");
    }
    return d;
  }
}
