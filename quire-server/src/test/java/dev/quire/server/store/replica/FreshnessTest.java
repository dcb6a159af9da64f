package dev.quire.server.store.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.quire.server.store.replica.Freshness.Choice;
import dev.quire.server.store.replica.Replica.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The freshness rule on its own, with replicas whose polled positions the test sets (time is passed in). */
class FreshnessTest {
  private final Freshness freshness = new Freshness();
  private final Replica near = replica("near");
  private final Replica far = replica("far");
  private final List<Replica> both = List.of(near, far);

  private static Replica replica(String name) {
    return new Replica(name, null); // the store is never touched here
  }

  private static void polled(Replica r, long at, long lsn) {
    r.sample = new Sample(at, lsn);
  }

  private Choice choose(String reader, Sample primary, int start, long now) {
    return freshness.choose(reader, both, primary, start, now);
  }

  @Test
  void aReaderWhoHasSeenNothingMayReadAnyReplicaThatAnswered() {
    assertEquals(Route.NO_REPLICA, choose("ann", null, 0, 1).route(), "no poll has answered yet");
    polled(near, 1, 100);
    polled(far, 1, 50);
    assertSame(far, choose("ann", null, 1, 2).replica(), "reads are spread from the start index");
  }

  @Test
  void afterAPrimaryReadOnlyAReplicaPastThePrimarysPositionServes() {
    polled(near, 1, 100);
    polled(far, 1, 50);
    freshness.readPrimary("ann", 80, 2);
    assertSame(near, choose("ann", null, 1, 3).replica(), "far (50) has not replayed 80");
    freshness.readPrimary("ann", 120, 4);
    assertEquals(Route.REPLICA_BEHIND, choose("ann", null, 0, 5).route());
  }

  @Test
  void anUnknownPrimaryPositionSendsTheReaderToThePrimaryUntilALaterPoll() {
    polled(near, 1, 100);
    freshness.readPrimary("ann", -1, 10);
    assertEquals(Route.NOT_YET_SAMPLED, choose("ann", new Sample(9, 90), 0, 11).route(), "a poll from before the read");
    assertSame(near, choose("ann", new Sample(12, 95), 0, 13).replica(), "the poll after it: 95, and near has 100");
    freshness.readPrimary("ann", -1, 14);
    assertSame(near, choose("bob", null, 0, 15).replica(), "bob, who has seen nothing, is not held back by ann");
  }

  @Test
  void aReplicaReaderStaysOnThatReplicaUntilItsNextPollThenTakesItsPosition() {
    polled(near, 1, 100);
    polled(far, 1, 50);
    freshness.readReplica("ann", near, 5);
    for (int start = 0; start < 2; start++) {
      assertSame(near, choose("ann", null, start, 6).replica(), "far might be behind what near showed");
    }
    polled(near, 7, 110);
    assertSame(near, choose("ann", null, 1, 8).replica(), "now needs 110: far (50) cannot");
    polled(far, 9, 110);
    assertSame(far, choose("ann", null, 1, 10).replica(), "far has caught up");
  }

  @Test
  void readsThatOverlappedOnTwoReplicasWaitForThePrimarysNextPosition() {
    polled(near, 1, 100);
    polled(far, 1, 100);
    freshness.readReplica("ann", near, 5);
    freshness.readReplica("ann", far, 6);
    assertEquals(Route.NOT_YET_SAMPLED, choose("ann", new Sample(4, 100), 0, 7).route());
    assertSame(near, choose("ann", new Sample(8, 100), 0, 9).replica());
  }

  @Test
  void aDownReplicaIsSkippedAndATiedReaderGoesToThePrimary() {
    polled(near, 1, 100);
    polled(far, 1, 100);
    freshness.readReplica("ann", near, 5);
    near.health.failed(6);
    assertEquals(Route.REPLICA_DOWN, choose("ann", null, 0, 7).route());
    assertSame(far, choose("bob", null, 0, 7).replica());
    far.health.failed(7);
    assertEquals(Route.REPLICA_DOWN, choose("bob", null, 0, 8).route());
  }

  @Test
  void aForgottenReadersPositionBecomesAFloorForEveryone() {
    polled(near, 1, 100);
    polled(far, 1, 50);
    freshness.readPrimary("ann", 80, 0);
    freshness.forgetIdle(Freshness.IDLE_NANOS + 1);
    assertEquals(0, freshness.readers());
    assertSame(near, choose("ann", null, 1, Freshness.IDLE_NANOS + 2).replica(), "far (50) is below the floor, 80");
    assertSame(near, choose("bob", null, 1, Freshness.IDLE_NANOS + 2).replica());
  }

  @Test
  void documentVersionsReadAreKeptPerReader() {
    freshness.sawVersion("ann", "d", 7, 1);
    freshness.sawVersion("ann", "d", 3, 2);
    assertEquals(7, freshness.seenVersion("ann", "d", 3));
    assertEquals(0, freshness.seenVersion("bob", "d", 3));
  }
}
