package dev.quire.server.store.replica;

import dev.quire.server.store.postgres.PostgresStore;

/** One read replica: its store, its health and the last replay position polled from it. */
final class Replica {
  /** A WAL position read from a server, and when (nanoTime) the read started. */
  record Sample(long startedNanos, long lsn) {}

  final String name;
  final PostgresStore store;
  final ReplicaHealth health = new ReplicaHealth();
  /** The newest replay position polled; null until the first poll answers. Only grows while up. */
  volatile Sample sample;

  Replica(String name, PostgresStore store) {
    this.name = name;
    this.store = store;
  }

  /** Usable for a read that needs at least {@code lsn} replayed. */
  boolean serves(long lsn) {
    Sample s = sample;
    return s != null && s.lsn() >= lsn && health.up();
  }

  @Override
  public String toString() {
    return name;
  }
}
