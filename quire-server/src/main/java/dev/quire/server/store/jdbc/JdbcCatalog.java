package dev.quire.server.store.jdbc;

import dev.quire.server.store.DocumentCatalog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The catalog on a store's own connections: {@link CatalogSql}'s statements, run the way the
 * store runs its work. On SQLite, writes take the store's single writer behind its fair lock
 * (they queue with commits instead of meeting them as {@code SQLITE_BUSY}); on PostgreSQL every
 * statement is safe to run twice (an insert that does nothing on a taken id, updates guarded by
 * "newer wins"), so the store may retry any of them on a fresh connection.
 */
public final class JdbcCatalog implements DocumentCatalog {
  /** Work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** How the owning store runs work; {@code what} names it in errors. */
  public interface Connections {
    <T> T read(String what, Work<T> work);

    <T> T write(String what, Work<T> work);
  }

  private final Connections db;

  public JdbcCatalog(Connections db) {
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
