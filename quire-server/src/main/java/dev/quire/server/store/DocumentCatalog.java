package dev.quire.server.store;

import dev.quire.server.auth.Role;
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
 *
 * <p>Every document belongs to one organization ({@code documents.org_id}), named when its row is
 * added, before any op of it is committed, and never changed (the schema refuses a change): the
 * data tier may keep a document's rows in its organization's partitions.
 */
public interface DocumentCatalog {

  /** The organization of everything made before organizations existed, and of everything in open mode. */
  String DEFAULT_ORG = "default";

  /**
   * One document as listed. {@code deletedAt} is null unless the document is in the trash. {@code
   * generalAccess} is the role every member of organization {@code orgId} has on it (null: none).
   */
  record Entry(String id, String title, long titleVersion, long createdAt, String createdBy,
      long editedAt, String editedBy, Long deletedAt, String orgId, Role generalAccess) {
    public Entry {
      java.util.Objects.requireNonNull(orgId, "orgId");
      if (generalAccess == Role.OWNER) {
        throw new IllegalArgumentException("general access is viewer, commenter or editor, never owner");
      }
    }

    /** A document of the default organization, without general access. */
    public Entry(String id, String title, long titleVersion, long createdAt, String createdBy,
        long editedAt, String editedBy, Long deletedAt) {
      this(id, title, titleVersion, createdAt, createdBy, editedAt, editedBy, deletedAt, DEFAULT_ORG, null);
    }

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
   * @param visibleTo only documents this person (a user id) has a role on, given to them, through
   *     a share link or as a member of the document's organization (its general access); null for all
   * @param orgId only documents of this organization; null for all
   */
  record Query(String titleContains, Sort sort, boolean trash, int limit, String visibleTo, String orgId) {
    /** Every document, whoever may see it. */
    public Query(String titleContains, Sort sort, boolean trash, int limit) {
      this(titleContains, sort, trash, limit, null, null);
    }

    public Query(String titleContains, Sort sort, boolean trash, int limit, String visibleTo) {
      this(titleContains, sort, trash, limit, visibleTo, null);
    }
  }

  /** Adds a document; false (and nothing changes) if its id is taken. */
  boolean add(Entry entry);

  Optional<Entry> get(String id);

  /** The organization document {@code docId} belongs to; empty if the catalog does not know it. */
  Optional<String> organizationOf(String docId);

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
