package dev.quire.server.store;

import java.util.List;
import java.util.Optional;

/**
 * What people see of their documents before they open one: title, when it was created, when and
 * by whom it was last edited, and whether it is in the trash. It lives in the same database as
 * the {@link DocumentStore} (one file, one pool) and is reached through it. Every implementation
 * passes {@code DocumentCatalogContract}.
 *
 * <p>The catalog is a summary, never the truth of a document: titles are copies of the title
 * documents, taken after their commits, and edit times are recorded lazily (a few seconds late).
 * So every update is "newer wins": {@link #setTitle} keeps the copy of the highest title version
 * and {@link #recordEdit} the latest time, whatever order the writes arrive in and however many
 * servers write them. Methods block (JDBC); callers keep them off network threads. Failures
 * throw {@link StoreException}.
 */
public interface DocumentCatalog {

  /** One document as listed. {@code deletedAt} is null unless the document is in the trash. */
  record Entry(String id, String title, long titleVersion, long createdAt, String createdBy,
      long editedAt, String editedBy, Long deletedAt) {
    public boolean deleted() {
      return deletedAt != null;
    }
  }

  /** Listing order: most recently edited first, or by title (case-insensitive, then id). */
  enum Sort { RECENT, NAME }

  /**
   * @param titleContains only titles containing this text, case-insensitively (ASCII case; the
   *     embedded store folds no other letters); null or empty for all
   * @param trash the trash instead of the live documents
   * @param limit at most this many, at least 1
   * @param visibleTo only documents this person (a user id) has a role on; null for all
   */
  record Query(String titleContains, Sort sort, boolean trash, int limit, String visibleTo) {
    /** Every document, whoever may see it. */
    public Query(String titleContains, Sort sort, boolean trash, int limit) {
      this(titleContains, sort, trash, limit, null);
    }
  }

  /** Adds a document; false (and nothing changes) if its id is taken. */
  boolean add(Entry entry);

  Optional<Entry> get(String id);

  List<Entry> list(Query query);

  /** Takes {@code title} as the copy at {@code titleVersion} unless a newer copy is stored; true if taken. */
  boolean setTitle(String id, String title, long titleVersion);

  /** Records an edit at {@code at} by {@code by} (may be null) unless a later one is recorded; true if recorded. */
  boolean recordEdit(String id, long at, String by);

  /** Moves a live document to the trash; false if it is unknown or there already. */
  boolean markDeleted(String id, long at);

  /** Takes a document out of the trash; false if it is unknown or live. */
  boolean restore(String id);
}
