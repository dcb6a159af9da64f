package dev.quire.server.testing;

import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.ForwardingStore;

/**
 * A store that passes every call to a real one, for tests that change one behaviour (a failing or
 * a held commit) by overriding one method. Closing it leaves the real store open.
 */
public class DelegatingStore extends ForwardingStore {
  public DelegatingStore(DocumentStore real) {
    super(real);
  }
}
