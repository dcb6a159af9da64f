package dev.quire.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.json.DeltaJson;
import dev.quire.server.auth.Principal;
import dev.quire.server.auth.Role;
import dev.quire.server.collab.History;
import dev.quire.server.collab.HistoryReads;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.regex.Pattern;

/**
 * A document as it was, for anyone who may view it:
 *
 * <pre>
 * GET /api/documents/{id}/history?version=N     after its first N ops
 * GET /api/documents/{id}/history?at=EPOCH_MS   after every op committed at or before that time
 * → {"id", "version", "type", "data"}           data: the Delta's ops; type and data null where it did not exist
 * </pre>
 *
 * Exactly one of {@code version} and {@code at}, each a whole number ≥ 0. A version past the
 * document's head is refused ({@link ApiError#VERSION_AHEAD}, naming the head) rather than clamped:
 * a client asking for a version it has not seen is out of step, and a quiet answer with another
 * version would hide that. A time past the last op gives the current document. Reads may be served
 * by a read replica ({@link HistoryReads}), never older than what the asker has seen.
 */
public final class HistoryApi {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  // Up to 2^53 − 1, as every JavaScript client can hold it exactly.
  private static final Pattern WHOLE = Pattern.compile("[0-9]{1,16}");
  private static final long MAX_SAFE = (1L << 53) - 1;

  private final DocumentsApi documents;
  private final HistoryReads history;
  private final String collection;

  public HistoryApi(DocumentsApi documents, HistoryReads history, String collection) {
    this.documents = documents;
    this.history = history;
    this.collection = collection;
  }

  public void mount(JavalinDefaultRoutingApi routes) {
    routes.get("/api/documents/{id}/history", ctx -> DocumentsApi.handle(ctx, this::read));
  }

  /** Whose reads these are, for the read replicas' freshness: the signed-in person, or everyone ("") in open mode. */
  public static String reader(Context ctx) {
    Principal p = Guard.principal(ctx);
    return p == null ? "" : p.userId();
  }

  private JsonNode read(Context ctx) {
    String id = DocumentsApi.id(ctx);
    String version = ctx.queryParam("version");
    String at = ctx.queryParam("at");
    if ((version == null) == (at == null)) {
      throw ApiError.BAD_HISTORY_QUERY.failure("give exactly one of version (a version number) and at (a time in epoch milliseconds)");
    }
    long v = version != null ? whole(version, ApiError.BAD_VERSION, "version") : -1;
    long ts = at != null ? whole(at, ApiError.BAD_TIME, "at") : -1;
    documents.require(ctx, id, Role.VIEWER);
    HistoryReads.Answer a = version != null
        ? history.atVersion(reader(ctx), collection, id, v)
        : history.atTime(reader(ctx), collection, id, ts);
    if (a.head() == 0) {
      throw ApiError.DOC_NOT_FOUND.failure("no document " + id);
    }
    if (a.state() == null) {
      throw ApiError.VERSION_AHEAD.failure("version " + v + " is past the document's head, version " + a.head());
    }
    return json(id, a.state());
  }

  private static long whole(String text, ApiError error, String name) {
    if (!WHOLE.matcher(text).matches() || Long.parseLong(text) > MAX_SAFE) {
      throw error.failure(name + " must be a whole number from 0 to " + MAX_SAFE);
    }
    return Long.parseLong(text);
  }

  private static ObjectNode json(String id, History.State s) {
    ObjectNode o = F.objectNode();
    o.put("id", id).put("version", s.version());
    if (s.type() == null || s.data() == null) {
      o.putNull("type");
      o.putNull("data");
    } else {
      o.put("type", s.type());
      o.set("data", DeltaJson.toTree(s.data()));
    }
    return o;
  }
}
