package dev.quire.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quire.server.http.WebApp;
import dev.quire.server.testing.NodeScript;
import dev.quire.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app in headless Chromium against a real Quire server serving the built app from the
 * class path: one test per scenario of {@code src/test/node/webapp-e2e.js}, which drives the
 * browsers (playwright-core with Debian's {@code /usr/bin/chromium}; no browser is downloaded).
 * A failing scenario saves a screenshot of each of its pages in {@code target/e2e-screenshots}.
 * Without Chromium (or without the built app) the tests are skipped, except under {@code CI=true},
 * where they fail.
 */
class WebAppE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("QUIRE_CHROMIUM", "/usr/bin/chromium"));
  private static final Path SCREENSHOTS = Path.of("target", "e2e-screenshots").toAbsolutePath();

  @TempDir static Path dir;
  private static TestServer server;

  @BeforeAll
  static void startServer() {
    NodeScript.requireNode();
    String missing = !Files.isExecutable(CHROMIUM) ? "Chromium is not installed at " + CHROMIUM + " (apt-get install chromium)"
        : !new WebApp().present() ? "the web app is not on the class path (build the quire-web module)" : null;
    if (missing != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("CI=true but " + missing + "; the web app's end-to-end tests must run in CI");
      }
      Assumptions.abort("skipped: " + missing);
    }
    // A short catalog period: the home page scenario reads titles back from the list.
    server = TestServer.start(dir.resolve("data"), Map.of("catalog-flush", "PT0.2S"));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static void passes(String scenario) {
    passes(server, scenario);
  }

  private static void passes(TestServer on, String scenario) {
    NodeScript.Result r = NodeScript.run(DEADLINE, "webapp-e2e.js", on.httpUrl(), SCREENSHOTS.toString(), scenario);
    List<String> lines = r.jsonLines();
    assertEquals(1, lines.size(), () -> "expected one result line\n" + r.transcript());
    assertTrue(lines.get(0).contains("\"ok\":true"), () -> scenario + " failed (screenshots in " + SCREENSHOTS + ")\n"
        + r.transcript());
    assertEquals(0, r.exitCode(), r::transcript);
  }

  @Test
  void twoPeopleSignUpAndAViewersEditorTurnsEditableLiveWhenMadeEditor() {
    try (TestServer accounts = TestServer.start(dir.resolve("accounts"), Map.of("auth", "accounts"))) {
      passes(accounts, "accounts-sharing");
    }
  }

  @Test
  void anOrganizationsMemberFindsAndEditsADocumentEveryoneInItMayEdit() {
    try (TestServer accounts = TestServer.start(dir.resolve("orgs"), Map.of("auth", "accounts"))) {
      passes(accounts, "organizations");
    }
  }

  @Test
  void twoPeopleTypingInOneParagraphAtOnceEndWithTheSameTextAndSeeEachOthersCursor() {
    passes("concurrent-typing");
  }

  @Test
  void formattingAppliedByOnePersonShowsForTheOther() {
    passes("formatting-shows-for-the-other");
  }

  @Test
  void editsMadeOfflineArriveWhenBackOnlineAndTheStateGoesFromOfflineToSaved() {
    passes("offline-edits-arrive");
  }

  @Test
  void undoTakesBackOnlyOnesOwnTypingNeverTheOtherPersons() {
    passes("undo-keeps-the-others-text");
  }

  @Test
  void aReloadShowsTheSameDocumentAndTheAppIsCachedAsSpecified() {
    passes("reload-and-cache-headers");
  }

  @Test
  void aTitleTypedByOnePersonAppearsLiveForTheOther() {
    passes("title-changes-live");
  }

  @Test
  void aDocumentDeletedWhileOpenSaysSoAndCanBeRestored() {
    passes("deleted-while-open");
  }

  @Test
  void leavingWithUnsentEditsAsksFirstAndStayingKeepsThem() {
    passes("leaving-with-unsent-edits-asks");
  }

  @Test
  void anOpTheServerRefusesReloadsTheDocumentAndSaysSo() {
    // A server of its own, whose documents hold at most 60 characters.
    try (TestServer small = TestServer.start(dir.resolve("small"), Map.of("max-doc-length", "60"))) {
      passes(small, "refused-op-reloads-and-says-so");
    }
  }

  @Test
  void hostileLinksNamesAndColoursFromAnotherClientRunNoScript() {
    passes("hostile-content-is-neutralised");
  }

  @Test
  void pastedHtmlRunsNoScriptAndKeepsNoUnsafeLink() {
    passes("paste-html-is-sanitised");
  }

  @Test
  void aCommenterCommentsOnSelectedTextAndTheOwnerSeesAndAnswersItLive() {
    try (TestServer accounts = TestServer.start(dir.resolve("comments"), Map.of("auth", "accounts"))) {
      passes(accounts, "comments");
    }
  }

  @Test
  void theHomePageCreatesFindsRenamesAndDeletesWithUndo() {
    passes("home-page");
  }
}
