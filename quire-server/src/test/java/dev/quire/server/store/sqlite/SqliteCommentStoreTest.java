package dev.quire.server.store.sqlite;

import dev.quire.server.auth.AccountStore;
import dev.quire.server.comments.CommentStore;
import dev.quire.server.store.CommentStoreContract;
import dev.quire.server.store.DocumentStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The embedded comment store passes the comment store contract. */
class SqliteCommentStoreTest extends CommentStoreContract {
  @TempDir Path tmp;

  @Override
  protected DocumentStore newStore() {
    return SqliteStore.open(tmp.resolve("data"));
  }

  @Override
  protected AccountStore accountsOf(DocumentStore store) {
    return ((SqliteStore) store).accounts();
  }

  @Override
  protected CommentStore commentsOf(DocumentStore store) {
    return ((SqliteStore) store).comments();
  }
}
