package dev.quire.server.store.postgres;

import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.jdbc.CatalogSql;
import java.util.List;
import java.util.Optional;

/**
 * The cluster catalog: a table beside the op log, on the store's pool. Every statement is safe to
 * run twice (an insert that does nothing on a taken id, updates guarded by "newer wins"), so all
 * of them are retried once on a fresh connection when theirs was lost.
 */
final class PostgresCatalog implements DocumentCatalog {
  private final PostgresConnections db;

  PostgresCatalog(PostgresConnections db) {
    this.db = db;
  }

  @Override
  public boolean add(Entry entry) {
    return db.retryable("add document " + entry.id() + " to the catalog", c -> CatalogSql.add(c, entry));
  }

  @Override
  public Optional<Entry> get(String id) {
    return db.retryable("read document " + id + " from the catalog", c -> CatalogSql.get(c, id));
  }

  @Override
  public List<Entry> list(Query query) {
    return db.retryable("list the catalog", c -> CatalogSql.list(c, query));
  }

  @Override
  public boolean setTitle(String id, String title, long titleVersion) {
    return db.retryable("set the title of " + id, c -> CatalogSql.setTitle(c, id, title, titleVersion));
  }

  @Override
  public boolean recordEdit(String id, long at, String by) {
    return db.retryable("record an edit of " + id, c -> CatalogSql.recordEdit(c, id, at, by));
  }

  @Override
  public boolean markDeleted(String id, long at) {
    return db.retryable("delete " + id, c -> CatalogSql.markDeleted(c, id, at));
  }

  @Override
  public boolean restore(String id) {
    return db.retryable("restore " + id, c -> CatalogSql.restore(c, id));
  }
}
