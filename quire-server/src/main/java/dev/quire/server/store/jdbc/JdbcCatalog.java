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

  /** How the owning store runs work (reads, or writes); {@code what} names it in errors. */
  @FunctionalInterface
  public interface Runner {
    Object run(String what, Work<?> work);

    /** Runs {@code work}, typed. */
    @SuppressWarnings("unchecked") // a Runner returns what its Work returned
    default <T> T call(String what, Work<T> work) {
      return (T) run(what, work);
    }
  }

  private final Runner reads;
  private final Runner writes;

  public JdbcCatalog(Runner reads, Runner writes) {
    this.reads = reads;
    this.writes = writes;
  }

  @Override
  public boolean add(Entry entry) {
    return write("add document " + entry.id() + " to the catalog", c -> CatalogSql.add(c, entry));
  }

  @Override
  public Optional<Entry> get(String id) {
    return read("read document " + id + " from the catalog", c -> CatalogSql.get(c, id));
  }

  @Override
  public Optional<String> organizationOf(String docId) {
    return read("read the organization of document " + docId, c -> CatalogSql.organizationOf(c, docId));
  }

  @Override
  public List<Entry> list(Query query) {
    return read("list the catalog", c -> CatalogSql.list(c, query));
  }

  @Override
  public boolean setTitle(String id, String title, long titleVersion) {
    return write("set the title of " + id, c -> CatalogSql.setTitle(c, id, title, titleVersion));
  }

  @Override
  public boolean recordEdit(String id, long at, String by) {
    return write("record an edit of " + id, c -> CatalogSql.recordEdit(c, id, at, by));
  }

  @Override
  public boolean markDeleted(String id, long at) {
    return write("delete " + id, c -> CatalogSql.markDeleted(c, id, at));
  }

  @Override
  public boolean restore(String id) {
    return write("restore " + id, c -> CatalogSql.restore(c, id));
  }

  private <T> T read(String what, Work<T> work) {
    return reads.call(what, work);
  }

  private <T> T write(String what, Work<T> work) {
    return writes.call(what, work);
  }
}
