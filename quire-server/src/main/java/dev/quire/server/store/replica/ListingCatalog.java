package dev.quire.server.store.replica;

import dev.quire.server.store.DocumentCatalog;
import java.util.List;
import java.util.Optional;

/**
 * The primary's catalog, except that listings and searches go through the router, for the person
 * they list for ({@link Query#visibleTo}; everyone is one reader when there are no accounts).
 * Single documents ({@link #get}) stay on the primary: they back role and trash decisions.
 */
final class ListingCatalog implements DocumentCatalog {
  private final DocumentCatalog primary;
  private final ReadRouter router;

  ListingCatalog(DocumentCatalog primary, ReadRouter router) {
    this.primary = primary;
    this.router = router;
  }

  @Override
  public List<Entry> list(Query query) {
    String reader = query.visibleTo() == null ? "" : query.visibleTo();
    return router.read(reader, "list", source -> source.catalog().list(query));
  }

  @Override
  public boolean add(Entry entry) {
    return primary.add(entry);
  }

  @Override
  public Optional<Entry> get(String id) {
    return primary.get(id);
  }

  @Override
  public Optional<String> organizationOf(String docId) {
    return primary.organizationOf(docId);
  }

  @Override
  public boolean setTitle(String id, String title, long titleVersion) {
    return primary.setTitle(id, title, titleVersion);
  }

  @Override
  public boolean recordEdit(String id, long at, String by) {
    return primary.recordEdit(id, at, by);
  }

  @Override
  public boolean markDeleted(String id, long at) {
    return primary.markDeleted(id, at);
  }

  @Override
  public boolean restore(String id) {
    return primary.restore(id);
  }
}
