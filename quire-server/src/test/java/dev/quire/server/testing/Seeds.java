package dev.quire.server.testing;

import java.util.Random;

/** The seed of a randomised test: {@code -Dquire.seed=N} to replay one, else a fresh one. */
public final class Seeds {
  private Seeds() {}

  /** Chooses the seed and prints it, so that any run can be replayed. */
  public static long choose(String test) {
    Long given = Long.getLong("quire.seed");
    long seed = given != null ? given : new Random().nextLong();
    System.out.println(test + ": seed " + seed + " (replay with -Dquire.seed=" + seed + ")");
    return seed;
  }
}
