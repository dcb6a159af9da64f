package dev.quire.server.testing;

/**
 * A throwaway primary and a streaming replica of it ({@link ThrowawayPostgres#replicaOf}), for a
 * test class: started together, removed together (the replica first).
 */
public final class ThrowawayReplication implements AutoCloseable {
  private final ThrowawayPostgres primary;
  private final ThrowawayPostgres replica;

  private ThrowawayReplication(ThrowawayPostgres primary, ThrowawayPostgres replica) {
    this.primary = primary;
    this.replica = replica;
  }

  /** Starts both; skips or fails like {@link ThrowawayPostgres#start}. */
  public static ThrowawayReplication start() throws Exception {
    ThrowawayPostgres primary = ThrowawayPostgres.start();
    try {
      return new ThrowawayReplication(primary, ThrowawayPostgres.replicaOf(primary));
    } catch (Exception | AssertionError e) {
      primary.close();
      throw e;
    }
  }

  public ThrowawayPostgres primary() {
    return primary;
  }

  public ThrowawayPostgres replica() {
    return replica;
  }

  @Override
  public void close() throws Exception {
    try {
      replica.close();
    } finally {
      primary.close();
    }
  }
}
