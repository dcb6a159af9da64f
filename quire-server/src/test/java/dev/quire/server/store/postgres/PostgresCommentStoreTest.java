package dev.quire.server.store.postgres;

import dev.quire.server.auth.AccountStore;
import dev.quire.server.comments.CommentStore;
import dev.quire.server.store.CommentStoreContract;
import dev.quire.server.store.DocumentStore;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The PostgreSQL comment store passes the comment store contract, in a database of its own. */
class PostgresCommentStoreTest extends CommentStoreContract {
  private static ThrowawayDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = ThrowawayDatabase.create();
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    if (db != null) {
      db.close();
    }
  }

  @Override
  protected DocumentStore newStore() throws SQLException {
    return db.openEmptied("comments, comment_threads, organization_members, share_link_members, share_links, document_roles, api_tokens, sessions, setup, users");
  }

  @Override
  protected AccountStore accountsOf(DocumentStore store) {
    return ((PostgresStore) store).accounts();
  }

  @Override
  protected CommentStore commentsOf(DocumentStore store) {
    return ((PostgresStore) store).comments();
  }
}
