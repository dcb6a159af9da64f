package dev.quire.server.store.replica;

import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.ForwardingCatalog;
import java.util.List;

/**
 * The primary's catalog, except that listings and searches go through the router, for the person
 * they list for ({@link Query#visibleTo}; everyone is one reader when there are no accounts).
 * Single documents ({@link #get}) stay on the primary: they back role and trash decisions.
 */
final class ListingCatalog extends ForwardingCatalog {
  private final ReadRouter router;

  ListingCatalog(DocumentCatalog primary, ReadRouter router) {
    super(primary);
    this.router = router;
  }

  @Override
  public List<Entry> list(Query query) {
    String reader = query.visibleTo() == null ? "" : query.visibleTo();
    return router.read(reader, "list", source -> source.catalog().list(query));
  }
}
