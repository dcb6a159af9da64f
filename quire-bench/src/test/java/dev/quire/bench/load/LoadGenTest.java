package dev.quire.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.QuireServer;
import dev.quire.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A short run of the load generator against a real embedded Quire server, in both typing modes,
 * with idle viewers: every op acknowledged is stored exactly once (version = 1 + acks), every
 * member of each document ends with the same contents as its server, nothing fails. Correctness,
 * not speed: the benchmark scripts measure speed.
 */
class LoadGenTest {
  @TempDir Path dir;

  @Test
  void typistsAndViewersConvergeWithEveryAckedOpStoredOnce() throws Exception {
    QuireServer server = QuireServer.start(ConfigLoader.load(null, Map.of(),
        Map.of("host", "127.0.0.1", "port", "0", "data-dir", dir.toString(), "auth", "open")));
    try {
      String url = "ws://127.0.0.1:" + server.port() + "/ws";
      for (String rate : new String[] {"0", "30"}) {
        LoadGen gen = new LoadGen();
        int exit = new CommandLine(gen).execute("--urls", url + "," + url, "--docs", "3", "--authors", "4",
            "--viewers", "2", "--rate", rate, "--warmup", "1", "--duration", "2", "--seed", "42",
            "--label", "test", "--scenario", "rate-" + rate);
        assertEquals(0, exit, "the run reported failures; see its output");
        assertTrue(gen.result.get("converged").asBoolean());
        assertEquals(0, gen.result.get("errors").asInt());
        assertTrue(gen.result.get("ops_in_window").asLong() > 0, "no op was acknowledged in the window");
        assertTrue(gen.result.get("remote_samples").asLong() > 0, "no op reached another member");
      }
    } finally {
      server.close();
    }
  }

  @Test
  void refusesToLoadAnythingButLoopback() {
    int exit = new CommandLine(new LoadGen()).execute("--urls", "ws://192.0.2.1:8080/ws", "--duration", "1");
    assertEquals(2, exit);
  }
}
