package dev.quire.server.store.sqlite;

import dev.quire.server.retention.RetentionContract;
import dev.quire.server.store.DocumentStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The retention policy on the embedded store; a second server is a second store on the same file. */
class SqliteRetentionTest extends RetentionContract {
  @TempDir Path tmp;

  @Override
  protected DocumentStore newStore() {
    return SqliteStore.open(tmp);
  }

  @Override
  protected DocumentStore secondServer() {
    return SqliteStore.open(tmp);
  }
}
