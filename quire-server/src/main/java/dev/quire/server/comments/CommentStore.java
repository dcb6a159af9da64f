package dev.quire.server.comments;

import java.util.List;
import java.util.Optional;

/**
 * Where comments live: threads on a document, each with its comments in order. It lives in the
 * same database as the documents (one file or one PostgreSQL, on the same connections). Every
 * implementation passes {@code CommentStoreContract}. Methods block (JDBC); callers keep them off
 * network threads. Every method names the document, so a thread id of another document finds
 * nothing. Failures throw {@link dev.quire.server.store.StoreException}.
 */
public interface CommentStore {

  /**
   * A discussion about a piece of a document. {@code quote} is the text it was about when it was
   * started (the anchor itself lives in the document: the "comment" format, valued with the id).
   */
  record Thread(String id, String docId, String quote, String createdBy, long createdAt, Long resolvedAt,
      String resolvedBy, List<Comment> comments) {
    public Thread {
      comments = List.copyOf(comments);
    }

    public boolean resolved() {
      return resolvedAt != null;
    }
  }

  /** One comment of a thread; {@code editedAt} null unless its author changed it. */
  record Comment(String id, String threadId, String authorId, String body, long createdAt, Long editedAt) {}

  /** Adds a thread with its first comment; false (nothing changes) if the id is taken. */
  boolean addThread(Thread thread, Comment first);

  /** The document's threads, oldest first, each with its comments, oldest first. */
  List<Thread> threadsOf(String docId);

  Optional<Thread> thread(String docId, String threadId);

  /** Adds a reply to a thread of the document; false if there is no such thread. */
  boolean addComment(String docId, Comment comment);

  /** Replaces a comment's text; false if the document has no such comment. */
  boolean editComment(String docId, String threadId, String commentId, String body, long at);

  /** Removes one comment; false if the document has no such comment. */
  boolean removeComment(String docId, String threadId, String commentId);

  /** Removes a thread and its comments; false if the document has no such thread. */
  boolean removeThread(String docId, String threadId);

  /** Resolves a thread ({@code by} and {@code at}) or opens it again (both null); false if there is no such thread. */
  boolean setResolved(String docId, String threadId, String by, Long at);
}
