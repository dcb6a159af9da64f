package dev.quire.server.store.postgres;

import dev.quire.server.store.jdbc.CatalogSql;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The organization of a document, which is the partition key of its ops and snapshots (the V8
 * migration): every statement of the store names it, so PostgreSQL touches one partition.
 *
 * <p>Why a cache is safe: a document's organization never changes (the V6 trigger refuses it), so
 * an answer once read is right forever, on every server. A document without a catalog row (one
 * made through the protocol alone) is in {@value #DEFAULT}, as the migration put such rows; that
 * answer is cached too, because catalog rows are only ever added for new, random ids
 * ({@code Library.create}, before the document's first op), never for a document that already
 * has ops. The cache is a small LRU: a miss costs one primary-key lookup in {@code documents}.
 */
final class OrgResolver {
  static final String DEFAULT = "default";
  static final int CAPACITY = Integer.getInteger("quire.pg.org-cache", 100_000);

  private final PostgresConnections db;
  private final Map<String, String> cache;
  private final boolean cacheDefault;

  OrgResolver(PostgresConnections db, int capacity) {
    this(db, capacity, true);
  }

  /**
   * @param cacheDefault whether "no catalog row, so {@value #DEFAULT}" may be remembered: not on a
   *     read replica, which may not have replayed a new document's row yet
   */
  OrgResolver(PostgresConnections db, int capacity, boolean cacheDefault) {
    this.db = db;
    this.cacheDefault = cacheDefault;
    this.cache = new LinkedHashMap<>(1024, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The organization of {@code docId} (the same for every collection of that id). */
  String orgOf(String docId) {
    synchronized (cache) {
      String org = cache.get(docId);
      if (org != null) {
        return org;
      }
    }
    String org = db.retryable("read the organization of document " + docId,
        c -> CatalogSql.organizationOf(c, docId).orElse(DEFAULT));
    if (cacheDefault || !org.equals(DEFAULT)) {
      synchronized (cache) {
        cache.put(docId, org);
      }
    }
    return org;
  }
}
