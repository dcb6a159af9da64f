package dev.quire.server.store.replica;

/**
 * Thrown by a read running on a replica that finds the replica lacks what the read needs (a
 * version not replayed yet); the router then runs the read on the primary. Never thrown to callers.
 */
public final class ReplicaBehind extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ReplicaBehind(String message) {
    super(message, null, false, false); // control flow: no stack trace
  }
}
