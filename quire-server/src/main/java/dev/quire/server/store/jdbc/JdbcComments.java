package dev.quire.server.store.jdbc;

import dev.quire.server.comments.CommentStore;
import dev.quire.server.store.jdbc.JdbcCatalog.Runner;
import dev.quire.server.store.jdbc.JdbcCatalog.Work;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Comments on a store's own connections, run as the catalog's and the accounts' are ({@link
 * JdbcCatalog}), in the SQL SQLite and PostgreSQL both speak. Every statement names the document
 * as well as the thread, so an id of another document's thread finds nothing. A statement the
 * PostgreSQL store runs twice (its connection was lost) is harmless: an insert then finds its own
 * row and answers "taken", updates and deletes do the same thing again.
 */
public final class JdbcComments implements CommentStore {
  private static final String THREAD = "t.id, t.doc_id, t.quote, t.created_by, t.created_at, t.resolved_at, t.resolved_by";
  private static final String COMMENT = "c.id, c.thread_id, c.author_id, c.body, c.created_at, c.edited_at";

  private final Runner reads;
  private final Runner writes;

  public JdbcComments(Runner reads, Runner writes) {
    this.reads = reads;
    this.writes = writes;
  }

  @Override
  public boolean addThread(Thread t, Comment first) {
    return write("start a comment thread", c -> AccountSql.inTransaction(c, tx -> {
      if (AccountSql.update(tx, "INSERT INTO comment_threads (id, doc_id, quote, created_by, created_at) VALUES (?, ?, ?, ?, ?) "
          + "ON CONFLICT DO NOTHING", t.id(), t.docId(), t.quote(), t.createdBy(), t.createdAt()) != 1) {
        return false;
      }
      return insertComment(tx, first);
    }));
  }

  @Override
  public List<Thread> threadsOf(String docId) {
    return read("read comments", c -> threads(c, "t.doc_id = ?", docId));
  }

  @Override
  public Optional<Thread> thread(String docId, String threadId) {
    return read("read a comment thread",
        c -> threads(c, "t.doc_id = ? AND t.id = ?", docId, threadId).stream().findFirst());
  }

  @Override
  public boolean addComment(String docId, Comment comment) {
    return write("add a comment", c -> AccountSql.inTransaction(c, tx -> {
      if (!exists(tx, docId, comment.threadId())) {
        return false;
      }
      return insertComment(tx, comment);
    }));
  }

  @Override
  public boolean editComment(String docId, String threadId, String commentId, String body, long at) {
    return write("edit a comment", c -> AccountSql.update(c, "UPDATE comments SET body = ?, edited_at = ? WHERE id = ? AND thread_id = ? "
        + "AND thread_id IN (SELECT id FROM comment_threads WHERE doc_id = ?)", body, at, commentId, threadId, docId) == 1);
  }

  @Override
  public boolean removeComment(String docId, String threadId, String commentId) {
    return write("remove a comment", c -> AccountSql.update(c, "DELETE FROM comments WHERE id = ? AND thread_id = ? "
        + "AND thread_id IN (SELECT id FROM comment_threads WHERE doc_id = ?)", commentId, threadId, docId) == 1);
  }

  @Override
  public boolean removeThread(String docId, String threadId) {
    return write("remove a comment thread", c -> AccountSql.inTransaction(c, tx -> {
      if (!exists(tx, docId, threadId)) {
        return false;
      }
      AccountSql.update(tx, "DELETE FROM comments WHERE thread_id = ?", threadId);
      return AccountSql.update(tx, "DELETE FROM comment_threads WHERE id = ? AND doc_id = ?", threadId, docId) == 1;
    }));
  }

  @Override
  public boolean setResolved(String docId, String threadId, String by, Long at) {
    return write("resolve a comment thread", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE comment_threads SET resolved_by = ?, resolved_at = ? WHERE id = ? AND doc_id = ?")) {
        ps.setString(1, by);
        if (at == null) {
          ps.setNull(2, Types.BIGINT);
        } else {
          ps.setLong(2, at);
        }
        ps.setString(3, threadId);
        ps.setString(4, docId);
        return ps.executeUpdate() == 1;
      }
    });
  }

  private static boolean exists(Connection c, String docId, String threadId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM comment_threads WHERE id = ? AND doc_id = ?")) {
      ps.setString(1, threadId);
      ps.setString(2, docId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static boolean insertComment(Connection c, Comment m) throws SQLException {
    return AccountSql.update(c, "INSERT INTO comments (id, thread_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?) "
        + "ON CONFLICT DO NOTHING", m.id(), m.threadId(), m.authorId(), m.body(), m.createdAt()) == 1;
  }

  /** The threads matching {@code where} (on {@code t}), with their comments: one query, in order. */
  private static List<Thread> threads(Connection c, String where, String... args) throws SQLException {
    List<Thread> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + THREAD + ", " + COMMENT + " FROM comment_threads t "
        + "LEFT JOIN comments c ON c.thread_id = t.id WHERE " + where + " ORDER BY t.created_at, t.id, c.created_at, c.id")) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        Thread head = null;
        List<Comment> comments = new ArrayList<>();
        while (rs.next()) {
          if (head == null || !head.id().equals(rs.getString(1))) {
            if (head != null) {
              out.add(withComments(head, comments));
              comments.clear();
            }
            head = new Thread(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                nullableLong(rs, 6), rs.getString(7), List.of());
          }
          if (rs.getString(8) != null) {
            comments.add(new Comment(rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getLong(12),
                nullableLong(rs, 13)));
          }
        }
        if (head != null) {
          out.add(withComments(head, comments));
        }
      }
    }
    return out;
  }

  private static Thread withComments(Thread t, List<Comment> comments) {
    return new Thread(t.id(), t.docId(), t.quote(), t.createdBy(), t.createdAt(), t.resolvedAt(), t.resolvedBy(), comments);
  }

  private static Long nullableLong(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private <T> T read(String what, Work<T> work) {
    return reads.call(what, work);
  }

  private <T> T write(String what, Work<T> work) {
    return writes.call(what, work);
  }
}
