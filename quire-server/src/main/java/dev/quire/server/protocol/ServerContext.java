package dev.quire.server.protocol;

import dev.quire.ot.OtLimits;
import dev.quire.server.collab.DocumentRegistry;
import dev.quire.server.collab.HistoryReads;
import dev.quire.server.collab.PresenceHub;
import dev.quire.server.metrics.ServerMetrics;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * What every connection shares.
 *
 * @param registries the open documents, one registry per collection (documents, titles)
 * @param presence presence channels
 * @param history past versions of documents (from a read replica when one gives exactly the primary's answer)
 * @param storeExecutor where blocking store reads run
 * @param limits op and document limits
 * @param rateLimit messages per second a connection may send on average
 * @param rateBurst messages a connection may send at once
 * @param maxInbox messages waiting to be handled per connection before it is closed
 * @param clock time
 * @param metrics where refused ops are counted
 * @param edits told of every acknowledged edit (the catalog's "last edited by")
 * @param access who may do what with each document, asked on every message
 */
public record ServerContext(
    List<DocumentRegistry> registries,
    PresenceHub presence,
    HistoryReads history,
    Executor storeExecutor,
    OtLimits limits,
    double rateLimit,
    int rateBurst,
    int maxInbox,
    Clock clock,
    ServerMetrics metrics,
    EditListener edits,
    Access access) {

  public ServerContext {
    registries = List.copyOf(registries);
  }

  /** Hears about acknowledged edits; called on the document's actor, so it must not block. */
  @FunctionalInterface
  public interface EditListener {
    EditListener NONE = (collection, docId, user) -> {};

    /** @param user the editor's display name, or null */
    void edited(String collection, String docId, String user);
  }

  /** The registry of {@code collection}, or null when there is no such collection. */
  public DocumentRegistry registry(String collection) {
    for (DocumentRegistry r : registries) {
      if (r.collection().equals(collection)) {
        return r;
      }
    }
    return null;
  }

  /** The collections, quoted, for error messages: {@code "docs", "titles"}. */
  public String collectionNames() {
    return registries.stream().map(r -> "\"" + r.collection() + "\"").collect(Collectors.joining(", "));
  }
}
