package dev.quire.server.store.replica;

/**
 * Where one read went and why: to a replica, or to the primary for one of the reasons a replica
 * could not serve it. The metric {@code quire.replica.reads} counts reads by these tags.
 */
public enum Route {
  /** A replica fresh enough for the reader served it. */
  REPLICA("replica", "fresh"),
  /** No replicas are configured (or none has answered a poll yet). */
  NO_REPLICA("primary", "no-replica"),
  /** Every replica is down (failed a read or a poll, waiting to be tried again). */
  REPLICA_DOWN("primary", "replica-down"),
  /** No replica has replayed what the reader has already seen (replication lag). */
  REPLICA_BEHIND("primary", "replica-behind"),
  /** The reader wrote or read just now and where that leaves them in the log is not known yet. */
  NOT_YET_SAMPLED("primary", "not-yet-sampled"),
  /** The replica answered, but lacks this document's version the read needs or the reader saw. */
  DOCUMENT_BEHIND("primary", "document-behind"),
  /** The replica failed during the read (it is marked down). */
  REPLICA_FAILED("primary", "replica-failed");

  final String target;
  final String reason;

  Route(String target, String reason) {
    this.target = target;
    this.reason = reason;
  }

  public boolean replica() {
    return this == REPLICA;
  }
}
