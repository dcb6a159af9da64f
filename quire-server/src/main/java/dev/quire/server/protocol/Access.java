package dev.quire.server.protocol;

import dev.quire.server.auth.Principal;
import dev.quire.server.auth.Role;

/**
 * Who may do what with a document, asked by the protocol on every message that names one (fetch,
 * subscribe, op, snapshot and history requests, presence): never once per socket, so a role
 * changed or taken away applies to the next message of an open connection. Called on the
 * message's thread for every message, so an implementation answers from memory (a cache kept
 * fresh by bus events), not from the store each time.
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

  /** The role of {@code principal} on {@code docId} (titles share their document's id), or null for none. */
  Role role(Principal principal, String docId);

  /** Whether everything is allowed to everyone (then free-form presence channels are too). */
  default boolean open() {
    return false;
  }
}
