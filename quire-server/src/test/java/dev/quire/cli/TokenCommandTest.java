package dev.quire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code quire token create|list|revoke} against a server's store. */
class TokenCommandTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private Run quire(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static int status(String url, String token) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/api/documents"))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void aTokenMadeOnTheCommandLineOpensTheApiUntilRevoked() throws Exception {
    Path data = dir.resolve("data");
    try (TestServer server = TestServer.start(data, Map.of("auth", "accounts"))) {
      server.server().accounts().createUser("ann", null, "correct horse battery", false);
      Run made = quire("token", "create", "--user", "ann", "--name", "backup script", "--data-dir", data.toString());
      assertEquals(0, made.exit(), made.err());
      String token = made.out().strip();
      assertEquals(200, status(server.httpUrl(), token));
      Run list = quire("token", "list", "--user", "ANN", "--data-dir", data.toString());
      assertEquals(0, list.exit(), list.err());
      assertTrue(list.out().contains("backup script") && !list.out().contains(token), list.out());
      assertTrue(list.out().contains("\tnever\t"), "no expiry given: until revoked\n" + list.out());
      Run expiring = quire("token", "create", "--user", "ann", "--name", "nightly", "--expires-in", "P30D",
          "--data-dir", data.toString());
      assertEquals(0, expiring.exit(), expiring.err());
      assertEquals(200, status(server.httpUrl(), expiring.out().strip()));
      assertEquals(1, quire("token", "create", "--user", "ann", "--expires-in", "P9999D", "--data-dir", data.toString()).exit());
      String id = list.out().substring(0, list.out().indexOf('\t'));
      server.close(); // a restarted server has no cached token: the revocation shows at once
      assertEquals(0, quire("token", "revoke", "--user", "ann", "--data-dir", data.toString(), id).exit());
      try (TestServer again = TestServer.start(data, Map.of("auth", "accounts"))) {
        assertEquals(401, status(again.httpUrl(), token));
      }
    }
  }

  @Test
  void anUnknownUserIsAClearError() {
    Run r = quire("token", "create", "--user", "nobody", "--data-dir", dir.resolve("data").toString());
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("nobody is called nobody"), r.err());
  }
}
