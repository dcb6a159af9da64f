package dev.quire.server.protocol;

import dev.quire.ot.OtLimits;
import dev.quire.server.collab.DocumentRegistry;
import dev.quire.server.collab.History;
import dev.quire.server.collab.PresenceHub;
import dev.quire.server.metrics.ServerMetrics;
import dev.quire.server.store.DocumentStore;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * What every connection shares.
 *
 * @param registry the open documents
 * @param presence presence channels
 * @param store the document store (for history reads)
 * @param history past versions of documents
 * @param storeExecutor where blocking store reads run
 * @param limits op and document limits
 * @param rateLimit messages per second a connection may send on average
 * @param rateBurst messages a connection may send at once
 * @param maxInbox messages waiting to be handled per connection before it is closed
 * @param clock time
 * @param metrics where refused ops are counted
 */
public record ServerContext(
    DocumentRegistry registry,
    PresenceHub presence,
    DocumentStore store,
    History history,
    Executor storeExecutor,
    OtLimits limits,
    double rateLimit,
    int rateBurst,
    int maxInbox,
    Clock clock,
    ServerMetrics metrics) {}
