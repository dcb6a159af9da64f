package dev.quire.server.store.sqlite;

import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.jdbc.CatalogSql;
import java.util.List;
import java.util.Optional;

/**
 * The embedded catalog: a table in the store's own file, on the store's connections, so catalog
 * writes queue behind the same fair write lock as commits instead of meeting them as
 * {@code SQLITE_BUSY}. Writes are rare (renames, deletes, and edit times batched every few
 * seconds), so sharing the writer costs commits nothing measurable.
 */
final class SqliteCatalog implements DocumentCatalog {
  private final SqliteConnections db;

  SqliteCatalog(SqliteConnections db) {
    this.db = db;
  }

  @Override
  public boolean add(Entry entry) {
    return db.write("add document " + entry.id() + " to the catalog", c -> CatalogSql.add(c, entry));
  }

  @Override
  public Optional<Entry> get(String id) {
    return db.read("read document " + id + " from the catalog", c -> CatalogSql.get(c, id));
  }

  @Override
  public List<Entry> list(Query query) {
    return db.read("list the catalog", c -> CatalogSql.list(c, query));
  }

  @Override
  public boolean setTitle(String id, String title, long titleVersion) {
    return db.write("set the title of " + id, c -> CatalogSql.setTitle(c, id, title, titleVersion));
  }

  @Override
  public boolean recordEdit(String id, long at, String by) {
    return db.write("record an edit of " + id, c -> CatalogSql.recordEdit(c, id, at, by));
  }

  @Override
  public boolean markDeleted(String id, long at) {
    return db.write("delete " + id, c -> CatalogSql.markDeleted(c, id, at));
  }

  @Override
  public boolean restore(String id) {
    return db.write("restore " + id, c -> CatalogSql.restore(c, id));
  }
}
