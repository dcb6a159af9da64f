package dev.quire.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.auth.AccountStore;
import dev.quire.server.auth.AccountStore.User;
import dev.quire.server.auth.Principal;
import dev.quire.server.auth.Role;
import dev.quire.server.auth.Secrets;
import dev.quire.server.bus.Bus;
import dev.quire.server.comments.CommentStore;
import dev.quire.server.comments.CommentStore.Comment;
import dev.quire.server.comments.CommentStore.Thread;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Comments on a document, under {@code /api/documents/{id}/comments} (accounts mode). Commenters,
 * editors and owners read and write them; viewers see neither (they get 403, as for any action
 * their role lacks). A thread is anchored in the document by the "comment" format valued with its
 * id, which the web app applies with an op right after starting the thread (a commenter's ops may
 * do that and nothing else). Everyone may change or remove their own comments; an owner may
 * remove anyone's. Every change is published on {@link #CHANNEL}, and every server tells the
 * sockets that have the document open ({@code x-quire-comments}), so open pages reload the list.
 *
 * <pre>
 * GET    /api/documents/{id}/comments                              {threads: [thread]}
 * POST   /api/documents/{id}/comments             {quote, body}    start a thread → 201 {thread}
 * PATCH  /api/documents/{id}/comments/{t}         {resolved}       resolve or reopen → {thread}
 * DELETE /api/documents/{id}/comments/{t}                          remove a thread (its starter or an owner)
 * POST   /api/documents/{id}/comments/{t}/replies {body}           reply → 201 {thread}
 * PATCH  /api/documents/{id}/comments/{t}/replies/{c} {body}       change one's own comment → {thread}
 * DELETE /api/documents/{id}/comments/{t}/replies/{c}              remove a comment (its author or an owner)
 * </pre>
 *
 * A thread is {@code {id, quote, createdBy: {id, name}, createdAt, resolved, resolvedBy, resolvedAt,
 * comments: [{id, author: {id, name}, body, createdAt, editedAt}]}}; the first comment is the
 * thread's own. Bodies are plain text (the page renders them as text), 1 to {@value #MAX_BODY}
 * characters; quotes at most {@value #MAX_QUOTE}.
 */
public final class CommentsApi {
  public static final String CHANNEL = "quire.comments";
  static final int MAX_BODY = 10_000;
  static final int MAX_QUOTE = 1_000;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final DocumentsApi documents;
  private final CommentStore comments;
  private final AccountStore accounts;
  private final Bus bus;
  private final Clock clock;

  public CommentsApi(DocumentsApi documents, CommentStore comments, AccountStore accounts, Bus bus, Clock clock) {
    this.documents = documents;
    this.comments = comments;
    this.accounts = accounts;
    this.bus = bus;
    this.clock = clock;
  }

  public void mount(JavalinDefaultRoutingApi routes) {
    String thread = "/api/documents/{id}/comments/{thread}";
    routes.get("/api/documents/{id}/comments", ctx -> DocumentsApi.handle(ctx, c -> {
      String id = commentable(c);
      ObjectNode out = F.objectNode();
      ArrayNode list = out.putArray("threads");
      Names names = new Names();
      comments.threadsOf(id).forEach(t -> list.add(json(t, names)));
      return out;
    }));
    routes.post("/api/documents/{id}/comments", ctx -> DocumentsApi.handle(ctx, c -> {
      String id = commentable(c);
      JsonNode body = DocumentsApi.body(c);
      String quote = text(body, "quote", 0, MAX_QUOTE);
      String text = text(body, "body", 1, MAX_BODY);
      long now = clock.millis();
      String me = Guard.principal(c).userId();
      Thread t = new Thread(Secrets.id(), id, quote, me, now, null, null, List.of());
      if (!comments.addThread(t, new Comment(Secrets.id(), t.id(), me, text, now, null))) {
        throw ApiError.REFUSED.failure("the comment could not be stored; try again");
      }
      c.status(201);
      return changed(id, t.id());
    }));
    routes.patch(thread, ctx -> DocumentsApi.handle(ctx, c -> {
      String id = commentable(c);
      String t = threadId(c);
      JsonNode resolved = DocumentsApi.body(c).get("resolved");
      if (resolved == null || !resolved.isBoolean()) {
        throw ApiError.BAD_REQUEST.failure("\"resolved\" must be true or false");
      }
      boolean done = resolved.booleanValue()
          ? comments.setResolved(id, t, Guard.principal(c).userId(), clock.millis())
          : comments.setResolved(id, t, null, null);
      return done ? changed(id, t) : notFound(t);
    }));
    routes.delete(thread, ctx -> DocumentsApi.handle(ctx, c -> {
      String id = commentable(c);
      Thread t = existing(id, threadId(c));
      mayRemove(c, id, t.createdBy());
      comments.removeThread(id, t.id());
      bus.publish(CHANNEL, id);
      return F.objectNode().put("removed", t.id());
    }));
    routes.post(thread + "/replies", ctx -> DocumentsApi.handle(ctx, c -> {
      String id = commentable(c);
      String t = threadId(c);
      String text = text(DocumentsApi.body(c), "body", 1, MAX_BODY);
      Comment reply = new Comment(Secrets.id(), t, Guard.principal(c).userId(), text, clock.millis(), null);
      if (!comments.addComment(id, reply)) {
        return notFound(t);
      }
      c.status(201);
      return changed(id, t);
    }));
    routes.patch(thread + "/replies/{comment}", ctx -> DocumentsApi.handle(ctx, c -> {
      String id = commentable(c);
      Comment m = existingComment(id, threadId(c), c.pathParam("comment"));
      if (!m.authorId().equals(Guard.principal(c).userId())) {
        throw ApiError.FORBIDDEN.failure("only its author may change a comment");
      }
      String text = text(DocumentsApi.body(c), "body", 1, MAX_BODY);
      if (!comments.editComment(id, m.threadId(), m.id(), text, clock.millis())) {
        return notFound(m.id());
      }
      return changed(id, m.threadId());
    }));
    routes.delete(thread + "/replies/{comment}", ctx -> DocumentsApi.handle(ctx, c -> {
      String id = commentable(c);
      Comment m = existingComment(id, threadId(c), c.pathParam("comment"));
      mayRemove(c, id, m.authorId());
      if (!comments.removeComment(id, m.threadId(), m.id())) {
        return notFound(m.id());
      }
      return changed(id, m.threadId());
    }));
  }

  /** The document's id, if the person may read and write its comments (commenter and up). */
  private String commentable(Context c) {
    String id = DocumentsApi.id(c);
    documents.require(c, id, Role.COMMENTER);
    return id;
  }

  private static String threadId(Context c) {
    String t = c.pathParam("thread");
    if (!ID.matcher(t).matches()) {
      throw ApiError.COMMENT_NOT_FOUND.failure("no comment thread " + t);
    }
    return t;
  }

  private Thread existing(String docId, String threadId) {
    return comments.thread(docId, threadId)
        .orElseThrow(() -> ApiError.COMMENT_NOT_FOUND.failure("no comment thread " + threadId));
  }

  private Comment existingComment(String docId, String threadId, String commentId) {
    return existing(docId, threadId).comments().stream().filter(m -> m.id().equals(commentId)).findFirst()
        .orElseThrow(() -> ApiError.COMMENT_NOT_FOUND.failure("no comment " + commentId));
  }

  /** Only its author, or an owner of the document, may remove a comment or a thread. */
  private void mayRemove(Context c, String docId, String authorId) {
    Principal me = Guard.principal(c);
    if (!authorId.equals(me.userId())) {
      documents.require(c, docId, Role.OWNER);
    }
  }

  private static JsonNode notFound(String what) {
    throw ApiError.COMMENT_NOT_FOUND.failure("no comment thread or comment " + what);
  }

  /** Tells every server, then answers with the thread as it is now. */
  private JsonNode changed(String docId, String threadId) {
    bus.publish(CHANNEL, docId);
    ObjectNode out = F.objectNode();
    out.set("thread", json(existing(docId, threadId), new Names()));
    return out;
  }

  /** A string field of {@code min} to {@code max} characters: plain text, line breaks and tabs allowed. */
  private static String text(JsonNode body, String field, int min, int max) {
    String s = AuthApi.text(body, field);
    if (s.strip().length() < min || s.length() > max) {
      throw ApiError.BAD_REQUEST.failure("\"" + field + "\" has " + min + " to " + max + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < 0x20 && ch != '\n' && ch != '\t' || ch == 0x7f) {
        throw ApiError.BAD_REQUEST.failure("\"" + field + "\" cannot contain control characters");
      }
      if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(ch)) {
        throw ApiError.BAD_REQUEST.failure("\"" + field + "\" cannot contain a lone UTF-16 surrogate");
      }
    }
    return s;
  }

  private ObjectNode json(Thread t, Names names) {
    ObjectNode o = F.objectNode().put("id", t.id()).put("quote", t.quote());
    o.set("createdBy", names.person(t.createdBy()));
    o.put("createdAt", t.createdAt()).put("resolved", t.resolved());
    if (t.resolved()) {
      o.set("resolvedBy", names.person(t.resolvedBy()));
      o.put("resolvedAt", t.resolvedAt());
    }
    ArrayNode list = o.putArray("comments");
    for (Comment m : t.comments()) {
      ObjectNode j = F.objectNode().put("id", m.id());
      j.set("author", names.person(m.authorId()));
      j.put("body", m.body()).put("createdAt", m.createdAt());
      if (m.editedAt() != null) {
        j.put("editedAt", m.editedAt());
      }
      list.add(j);
    }
    return o;
  }

  /** People's names, each read once per answer. */
  private final class Names {
    private final Map<String, String> byId = new HashMap<>();

    ObjectNode person(String userId) {
      String name = byId.computeIfAbsent(userId, k -> accounts.userById(k).map(User::name).orElse(null));
      return F.objectNode().put("id", userId).put("name", name);
    }
  }
}
