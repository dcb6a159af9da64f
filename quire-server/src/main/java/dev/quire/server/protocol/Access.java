package dev.quire.server.protocol;

import dev.quire.server.auth.Principal;
import dev.quire.server.auth.Role;

/**
 * Who may do what with a document, asked by the protocol on every message that names one (fetch,
 * subscribe, op, snapshot and history requests, presence): never once per socket, so a role
 * changed or taken away applies to the next message of an open connection. Asked for every
 * message, so an implementation answers from memory (a cache kept fresh by bus events), and reads
 * the store only for a role it does not hold; a caller on a thread that must not wait for the
 * store (Jetty's) asks {@link #knows} first and otherwise asks from one that may.
 */
public interface Access {
  /** Open mode: everyone who reaches the server is the owner of everything. */
  Access OPEN = new Access() {
    @Override
    public Role role(Principal principal, String docId) {
      return Role.OWNER;
    }

    @Override
    public boolean open() {
      return true;
    }
  };

  /**
   * The role of {@code principal} on {@code docId} (titles share their document's id), or null for
   * none; may read the store (see {@link #knows}).
   *
   * @throws dev.quire.server.store.StoreException if the store cannot be read
   */
  Role role(Principal principal, String docId);

  /** Whether {@link #role} would answer now from memory, without reading the store. */
  default boolean knows(Principal principal, String docId) {
    return true;
  }

  /** Whether everything is allowed to everyone (then free-form presence channels are too). */
  default boolean open() {
    return false;
  }
}
