package dev.quire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.server.testing.NodeScript;
import dev.quire.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unmodified npm {@code sharedb@7} client, in Node, against a real Quire server: one test per
 * scenario of {@code src/test/node/conformance.js}, where the steps and assertions live (they
 * need the client's own view: its versions, callbacks, events and the messages on the wire).
 * Scenarios use documents of their own, so they share one server.
 */
class SharedbConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static TestServer server;

  @BeforeAll
  static void startServer() {
    NodeScript.requireNode();
    server = TestServer.start(dir.resolve("data"));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** Runs one scenario in Node and fails with its error and full output unless it passed. */
  private static void passes(String scenario) {
    NodeScript.Result r = NodeScript.run(DEADLINE, "conformance.js", server.wsUrl(), scenario);
    List<String> lines = r.jsonLines();
    assertEquals(1, lines.size(), () -> "expected one result line\n" + r.transcript());
    JsonNode result;
    try {
      result = JSON.readTree(lines.get(0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals(scenario, result.path("scenario").asText(), r::transcript);
    assertTrue(result.path("ok").asBoolean(), () -> scenario + " failed:\n" + result.path("error").asText()
        + "\n" + r.transcript());
    assertEquals(0, r.exitCode(), r::transcript);
  }

  @Test
  void aCreatedDocumentIsFetchedByAnotherClientWithItsContents() {
    passes("create-then-fetch");
  }

  @Test
  void aSubscriberReceivesAnotherClientsOpsInOrderAndNeverItsOwn() {
    passes("subscribe-receives-ops-in-order");
  }

  @Test
  void opsAreAcceptedAsArraysAndAsQuillDeltaObjects() {
    passes("submit-array-and-object-forms");
  }

  @Test
  void concurrentOpsFromTwoClientsConvergeWithTheCommittedOpFirst() {
    passes("concurrent-ops-converge");
  }

  @Test
  void aCursorReachesTheOtherClientTransformedByAnOpItsSenderDidNotKnow() {
    passes("presence-transformed-to-current-version");
  }

  @Test
  void aCursorIsClearedForOthersWhenItsOwnerUnsubscribes() {
    passes("presence-null-on-unsubscribe");
  }

  @Test
  void aCursorIsClearedForOthersWhenItsOwnersConnectionCloses() {
    passes("presence-null-on-disconnect");
  }

  @Test
  void aSnapshotAtAPastVersionHasThatVersionsContents() {
    passes("fetch-snapshot-at-version");
  }

  @Test
  void aSnapshotAtAPastTimeHasThatTimesContents() {
    passes("fetch-snapshot-at-time");
  }

  @Test
  void anOpWhoseAckWasLostIsCommittedOnceWhenResentAfterAReconnect() {
    passes("reconnect-inflight-ack-lost");
  }

  @Test
  void aResentOpIsPrecededByTheOpsItsClientMissedBeforeTheAck() {
    passes("reconnect-inflight-ack-and-catch-up-lost");
  }

  @Test
  void anOpSentAsTheSocketFailsEndsUpInTheDocumentExactlyOnce() {
    passes("reconnect-op-sent-as-socket-closes");
  }

  @Test
  void severalDocumentsAreResubscribedInBulkAfterAReconnectWithTheOpsMissed() {
    passes("bulk-resubscribe-after-reconnect");
  }

  @Test
  void aDocumentThatDoesNotExistHasTypeNull() {
    passes("missing-doc-has-null-type");
  }

  @Test
  void deletingADocumentIsSeenBySubscribersAndRefusesTheirConcurrentEdits() {
    passes("delete-document");
  }
}
