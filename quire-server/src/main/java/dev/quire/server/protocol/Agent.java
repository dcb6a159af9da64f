package dev.quire.server.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.Delta;
import dev.quire.ot.OtError;
import dev.quire.ot.OtException;
import dev.quire.ot.RichText;
import dev.quire.ot.json.DeltaJson;
import dev.quire.ot.json.JsonText;
import dev.quire.server.collab.DocumentRegistry;
import dev.quire.server.collab.DocumentSequencer;
import dev.quire.server.collab.History;
import dev.quire.server.collab.Snapshots;
import dev.quire.server.collab.Submission;
import dev.quire.server.collab.Subscriber;
import dev.quire.server.store.OpsCompactedException;
import dev.quire.server.store.StoreException;
import dev.quire.server.store.StoredOp;
import dev.quire.server.auth.Principal;
import dev.quire.server.auth.Role;
import dev.quire.server.catalog.Library;
import dev.quire.server.wire.WireConnection;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One connected client speaking the ShareDB protocol (sharedb-protocol.md §2): ShareDB's
 * {@code agent.js}. Messages of one connection are handled one at a time, in order, each to
 * completion (an op until it is committed and acknowledged), so replies keep the order of
 * requests. Everything about a document runs on that document's actor, so the ops, acks and
 * replies of one document reach this client in version order.
 */
public final class Agent implements Subscriber {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  /** Strict: a frame with anything after its JSON value is not JSON (JSON.parse refuses it too). */
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** JavaScript's Number.MAX_SAFE_INTEGER: a seq at or above it cannot be incremented exactly. */
  private static final long MAX_SEQ = (1L << 53) - 1;

  private final WireConnection conn;
  private final ServerContext ctx;
  private final RateLimiter rate;
  private volatile String src;
  /**
   * Who edits, for the catalog: the signed-in person's name, or in open mode the display name
   * given on the WebSocket URL (null if none).
   */
  private final String user;
  /** The signed-in person (null in open mode). */
  private final Principal principal;
  private final Set<DocKey> subscribed = new HashSet<>();
  // Small at first (an idle connection has an empty inbox; 50,000 of them hold one each): grows.
  private final ArrayDeque<String> inbox = new ArrayDeque<>(2);
  private boolean busy;
  private boolean closed;
  /**
   * Whether the message being handled may wait for the store to learn a role: only while it is
   * handled again on the store's executor ({@link #handleWhenRolesKnown}). Messages are handled
   * one at a time, and the next starts only after this is false again (through the futures that
   * order them), so no other thread sees it true.
   */
  private boolean mayWaitForRoles;

  /** A document of a collection, as this client subscribed to it. */
  private record DocKey(String collection, String docId) {}

  public Agent(WireConnection conn, ServerContext ctx) {
    this(conn, ctx, null);
  }

  public Agent(WireConnection conn, ServerContext ctx, String user) {
    this(conn, ctx, user, null);
  }

  public Agent(WireConnection conn, ServerContext ctx, String user, Principal principal) {
    this.conn = conn;
    this.ctx = ctx;
    this.user = principal != null ? principal.name() : user;
    this.principal = principal;
    this.rate = new RateLimiter(ctx.rateLimit(), ctx.rateBurst(), ctx.clock());
    // With accounts a source names its person, so that nobody can pass for another's source (and
    // have that person's next op dropped as "already committed").
    this.src = (principal != null ? principal.userId() + "-" : "") + UUID.randomUUID().toString().replace("-", "");
  }

  /** The signed-in person this connection acts for, or null in open mode. */
  public Principal principal() {
    return principal;
  }

  @Override
  public String src() {
    return src;
  }

  @Override
  public void send(String message) {
    conn.send(message);
  }

  @Override
  public void send(String message, byte[] utf8) {
    conn.send(message, utf8);
  }

  // ---- inbox: one message at a time, in order ----

  /** A text frame from the client (called in order, never concurrently, for one connection). */
  public void onText(String text) {
    boolean start;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (inbox.size() >= ctx.maxInbox()) {
        start = false;
      } else {
        inbox.add(text);
        start = !busy;
        busy = busy || start;
        if (!start) {
          return;
        }
      }
    }
    if (!start) {
      log.warn("conn={} closing: more than {} messages waiting", conn.id(), ctx.maxInbox());
      conn.close(1008, "too many messages in flight");
      return;
    }
    pump();
  }

  private void pump() {
    while (true) {
      String next;
      synchronized (this) {
        next = inbox.poll();
        if (next == null || closed) {
          busy = false;
          return;
        }
      }
      CompletableFuture<Void> done;
      MDC.put("conn", conn.id());
      try {
        done = handle(next);
      } catch (RuntimeException e) {
        log.error("conn={} message handling failed", conn.id(), e);
        done = CompletableFuture.completedFuture(null);
      } finally {
        MDC.remove("conn");
      }
      if (!done.isDone()) {
        done.whenComplete((x, e) -> pump());
        return;
      }
    }
  }

  /** The connection closed: leave every document and presence channel. */
  public void onClose() {
    synchronized (this) {
      closed = true;
      inbox.clear();
    }
    for (String ch : ctx.presence().channelsOf(this)) {
      ctx.presence().unsubscribe(ch, this);
    }
    List<DocKey> docs;
    synchronized (subscribed) {
      docs = List.copyOf(subscribed);
      subscribed.clear();
    }
    for (DocKey k : docs) {
      ctx.registry(k.collection()).run(k.docId(), new DocumentRegistry.DocTask() {
        @Override
        public void run(DocumentSequencer doc) {
          doc.unsubscribe(Agent.this);
        }

        @Override
        public void unavailable(RuntimeException e) {}
      });
    }
  }

  // ---- dispatch ----

  private CompletableFuture<Void> handle(String text) {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      node = null;
    }
    if (node == null || node.isMissingNode()) { // an empty or blank frame reads as "missing"
      // As the reference does: a client that sends non-JSON is broken; it reconnects.
      conn.close(1007, "invalid JSON");
      return done();
    }
    if (!node.isObject()) {
      send(errorOnly(ErrorCode.MESSAGE_BADLY_FORMED.code(), "a message must be a JSON object"));
      return done();
    }
    ObjectNode msg = (ObjectNode) node;
    if (!rate.tryAcquire()) {
      countIfOp(msg, ErrorCode.RATE_LIMITED.code());
      send(error(msg, ErrorCode.RATE_LIMITED.code(), "too many messages; slow down"));
      return done();
    }
    try {
      return dispatch(msg);
    } catch (RoleNotKnown e) {
      return handleWhenRolesKnown(msg);
    }
  }

  /**
   * Handles {@code msg} again on the store's executor, where the roles it needs may be read from
   * the store: this message's thread is Jetty's, which must never wait for a database (during an
   * outage each lookup waits for the pool's timeout, and enough of them would hold every thread
   * that serves the connections of documents already open). Every access check comes before the
   * handler changes anything, so handling the message again from the start does it once.
   */
  private CompletableFuture<Void> handleWhenRolesKnown(ObjectNode msg) {
    CompletableFuture<CompletableFuture<Void>> handled = new CompletableFuture<>();
    try {
      ctx.storeExecutor().execute(() -> {
        CompletableFuture<Void> done;
        mayWaitForRoles = true;
        try {
          done = dispatch(msg);
        } catch (RoleNotKnown | RuntimeException e) {
          mayWaitForRoles = false;
          handled.completeExceptionally(e);
          return;
        }
        mayWaitForRoles = false; // before the next message can start: it starts once this completes
        handled.complete(done);
      });
    } catch (RejectedExecutionException e) { // shutting down
      conn.close(1001, "the server is shutting down");
      return done();
    }
    return handled.thenCompose(f -> f).exceptionally(e -> { // a store failure was answered in dispatch
      log.error("conn={} message handling failed", conn.id(), e instanceof CompletionException ? e.getCause() : e);
      return null;
    });
  }

  /**
   * The roles could not be read: the client is asked to come back later (1013), as when an op
   * cannot be committed, so it keeps what it sent (an op stays pending in the sharedb client) and
   * sends it again on a new connection, instead of waiting for a reply that never comes.
   */
  private void accountStoreUnavailable(StoreException e) {
    log.warn("conn={} closing: could not read document roles: {}", conn.id(), e.getMessage());
    conn.close(1013, "the account store is unavailable; reconnect and resend");
  }

  /** One message, parsed and within the rate limit, to its handler. */
  private CompletableFuture<Void> dispatch(ObjectNode msg) throws RoleNotKnown {
    try {
      checkCommonFields(msg);
      String a = msg.path("a").asText("");
      switch (a) {
        case "hs":
          return handshake(msg);
        case "pp":
          send("{\"a\":\"pp\"}");
          return done();
        case "f":
        case "s":
          return fetchOrSubscribe(msg, a.equals("s"));
        case "u":
          return unsubscribe(msg);
        case "bf":
        case "bs":
          return bulk(msg, a.equals("bs"));
        case "bu":
          return bulkUnsubscribe(msg);
        case "op":
          return submit(msg);
        case "nf":
        case "nt":
          return snapshotRequest(msg, a.equals("nt"));
        case "ps":
        case "pu":
          return presenceSubscription(msg, a.equals("ps"));
        case "p":
          return presence(msg);
        case "pr":
          send("{\"a\":\"pr\"}");
          return done();
        case "qf":
        case "qs":
        case "qu":
          throw new ProtocolException(ErrorCode.QUERIES_NOT_SUPPORTED, "queries are not supported; fetch documents by id");
        default:
          throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "invalid or unknown message action \"" + a + "\"");
      }
    } catch (ProtocolException e) {
      countIfOp(msg, e.code());
      send(error(msg, e.code(), e.getMessage()));
      return done();
    } catch (StoreException e) { // a role lookup: the rest of a message's store work is the actors'
      accountStoreUnavailable(e);
      return done();
    }
  }

  /** Counts a refusal that is an op's (other requests' errors are not refused ops). */
  private void countIfOp(ObjectNode msg, String code) {
    if ("op".equals(msg.path("a").asText(""))) {
      ctx.metrics().refused(code);
    }
  }

  private static CompletableFuture<Void> done() {
    return CompletableFuture.completedFuture(null);
  }

  /** ShareDB 7's checks: {@code c, d, id, ch} strings; {@code v} a number >= 0; {@code seq, ts} numbers. */
  private static void checkCommonFields(ObjectNode msg) throws ProtocolException {
    if (!msg.path("a").isTextual()) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "\"a\" must be a string");
    }
    for (String k : new String[] {"c", "d", "ch"}) {
      JsonNode n = msg.get(k);
      if (n != null && !n.isTextual()) {
        throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "\"" + k + "\" must be a string");
      }
    }
    JsonNode id = msg.get("id");
    if (id != null && !id.isNull() && !id.isTextual() && !id.isNumber()) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "\"id\" must be a string or a number");
    }
    JsonNode v = msg.get("v");
    if (v != null && !v.isNull() && !(v.isNumber() && v.doubleValue() >= 0 && v.doubleValue() == Math.rint(v.doubleValue()))) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "\"v\" must be a non-negative integer");
    }
    for (String k : new String[] {"seq", "ts"}) {
      JsonNode n = msg.get(k);
      if (n != null && !n.isNull() && !n.isNumber()) {
        throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "\"" + k + "\" must be a number");
      }
    }
  }

  private String collection(ObjectNode msg) throws ProtocolException {
    String c = msg.path("c").asText(null);
    if (c == null) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "\"c\" (the collection) is missing");
    }
    if (ctx.registry(c) == null) {
      throw new ProtocolException(ErrorCode.COLLECTION_NOT_FOUND,
          "unknown collection \"" + c + "\"; documents live in " + ctx.collectionNames());
    }
    return c;
  }

  private static String docId(JsonNode d) throws ProtocolException {
    if (d == null || !d.isTextual()) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "\"d\" (the document id) must be a string");
    }
    String id = d.textValue();
    if (id.isEmpty() || id.length() > 256) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "a document id has 1 to 256 characters");
    }
    for (int i = 0; i < id.length(); i++) {
      if (id.charAt(i) < 0x20 || id.charAt(i) == 0x7f) {
        throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "a document id cannot contain control characters");
      }
    }
    if (hasLoneSurrogate(id)) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "a document id cannot contain a lone UTF-16 surrogate");
    }
    return id;
  }

  /**
   * Ids (document ids, sources) become database keys, and the JDBC drivers turn a lone surrogate
   * into "?", so two different ids would meet; such ids are refused at the door.
   */
  static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static Long version(ObjectNode msg) {
    JsonNode v = msg.get("v");
    if (v == null || v.isNull()) {
      return null;
    }
    // Beyond a long (2^64+1 is valid JSON): later than any version, not wrapped to a small one.
    return v.canConvertToLong() ? v.longValue() : Long.MAX_VALUE;
  }

  // ---- handshake ----

  private CompletableFuture<Void> handshake(ObjectNode msg) {
    JsonNode id = msg.get("id");
    if (id != null && id.isTextual() && !id.textValue().isEmpty() && id.textValue().length() <= 128
        && !hasLoneSurrogate(id.textValue()) && ownSource(id.textValue())) {
      src = id.textValue(); // the client's previous id: its ops keep their identity across reconnects
    }
    StringBuilder sb = new StringBuilder("{\"a\":\"hs\",\"protocol\":1,\"protocolMinor\":2,\"id\":");
    JsonText.string(sb, src);
    send(sb.append(",\"type\":\"http://sharejs.org/types/JSONv0\"}").toString());
    return done();
  }

  // ---- fetch and subscribe ----

  private CompletableFuture<Void> fetchOrSubscribe(ObjectNode msg, boolean subscribe) throws ProtocolException, RoleNotKnown {
    String c = collection(msg);
    String d = docId(msg.get("d"));
    mayRead(d);
    Long v = version(msg);
    CompletableFuture<Void> out = new CompletableFuture<>();
    ctx.registry(c).run(d, new RequestTask(msg, out) {
      @Override
      public void run(DocumentSequencer doc) {
        List<String> ops = null;
        if (v != null) {
          try {
            ops = doc.opsSince(v); // before subscribing: a refused request subscribes nothing
          } catch (OpsCompactedException e) {
            send(error(msg, ErrorCode.OPS_COMPACTED.code(), e.getMessage()));
            out.complete(null);
            return;
          }
        }
        if (subscribe) {
          doc.subscribe(Agent.this);
          synchronized (subscribed) {
            subscribed.add(new DocKey(c, d));
          }
        }
        StringBuilder sb = new StringBuilder();
        if (ops == null) {
          sb.append("{\"data\":").append(doc.snapshotJson()).append(",\"a\":\"").append(subscribe ? "s" : "f").append('"');
        } else {
          for (String op : ops) {
            send(op);
          }
          sb.append("{\"a\":\"").append(subscribe ? "s" : "f").append('"');
        }
        sb.append(",\"c\":");
        JsonText.string(sb, c);
        sb.append(",\"d\":");
        JsonText.string(sb, d);
        send(sb.append('}').toString());
        out.complete(null);
      }
    });
    return out;
  }

  private CompletableFuture<Void> unsubscribe(ObjectNode msg) throws ProtocolException {
    String c = collection(msg);
    String d = docId(msg.get("d"));
    synchronized (subscribed) {
      subscribed.remove(new DocKey(c, d));
    }
    CompletableFuture<Void> out = new CompletableFuture<>();
    ctx.registry(c).run(d, new DocumentRegistry.DocTask() {
      @Override
      public void run(DocumentSequencer doc) {
        doc.unsubscribe(Agent.this);
        send(reply("u", c, d));
        out.complete(null);
      }

      @Override
      public void unavailable(RuntimeException e) {
        send(reply("u", c, d));
        out.complete(null);
      }
    });
    return out;
  }

  private static String reply(String a, String c, String d) {
    StringBuilder sb = new StringBuilder("{\"a\":\"").append(a).append("\",\"c\":");
    JsonText.string(sb, c);
    sb.append(",\"d\":");
    JsonText.string(sb, d);
    return sb.append('}').toString();
  }

  /** {@code bf}/{@code bs}: ids as an array (snapshots in the reply) or as {@code {id: version}} (ops pushed). */
  private CompletableFuture<Void> bulk(ObjectNode msg, boolean subscribe) throws ProtocolException, RoleNotKnown {
    String c = collection(msg);
    JsonNode b = msg.get("b");
    boolean withVersions;
    if (b != null && b.isArray()) {
      withVersions = false;
    } else if (b != null && b.isObject()) {
      withVersions = true;
    } else {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "\"b\" must be an array of ids or an object {id: version}");
    }
    java.util.LinkedHashMap<String, Long> wanted = new java.util.LinkedHashMap<>();
    if (withVersions) {
      for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        if (!v.isNull() && !(v.isNumber() && v.doubleValue() >= 0)) {
          throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "versions in \"b\" must be non-negative numbers");
        }
        wanted.put(docId(F.textNode(e.getKey())), v.isNull() ? null : v.longValue());
      }
    } else {
      for (JsonNode id : b) {
        wanted.put(docId(id), null);
      }
    }
    for (String d : wanted.keySet()) {
      mayRead(d); // all or nothing: a bulk request naming one forbidden document is refused whole
    }
    ObjectNode data = F.objectNode();
    CompletableFuture<?>[] parts = new CompletableFuture<?>[wanted.size()];
    int i = 0;
    for (Map.Entry<String, Long> w : wanted.entrySet()) {
      String d = w.getKey();
      CompletableFuture<Void> part = new CompletableFuture<>();
      parts[i++] = part;
      ctx.registry(c).run(d, new DocumentRegistry.DocTask() {
        @Override
        public void run(DocumentSequencer doc) {
          List<String> ops = null;
          if (withVersions) {
            try {
              ops = doc.opsSince(w.getValue() == null ? 0 : w.getValue());
            } catch (OpsCompactedException e) {
              // This document alone is refused, as a single request for it would be (the client
              // routes the reply by c and d); the others are answered as usual.
              ObjectNode refusal = F.objectNode().put("a", subscribe ? "s" : "f").put("c", c).put("d", d);
              send(error(refusal, ErrorCode.OPS_COMPACTED.code(), e.getMessage()));
              part.complete(null);
              return;
            }
          }
          if (subscribe) {
            doc.subscribe(Agent.this);
            synchronized (subscribed) {
              subscribed.add(new DocKey(c, d));
            }
          }
          if (ops != null) {
            for (String op : ops) {
              send(op);
            }
          } else {
            String snap = doc.snapshotJson();
            synchronized (data) {
              data.set(d, parse(snap));
            }
          }
          part.complete(null);
        }

        @Override
        public void unavailable(RuntimeException e) {
          synchronized (data) {
            data.set(d, F.objectNode().set("error", F.objectNode()
                .put("code", ErrorCode.STORE_UNAVAILABLE.code()).put("message", "the document store is unavailable")));
          }
          part.complete(null);
        }
      });
    }
    return CompletableFuture.allOf(parts).thenRun(() -> {
      ObjectNode r = F.objectNode().put("a", msg.path("a").asText()).put("c", c);
      if (withVersions) {
        r.set("b", b);
      } else {
        r.set("data", data);
      }
      send(json(r));
    });
  }

  private CompletableFuture<Void> bulkUnsubscribe(ObjectNode msg) throws ProtocolException {
    String c = collection(msg);
    JsonNode b = msg.get("b");
    if (b == null || !b.isArray()) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "\"b\" must be an array of ids");
    }
    for (JsonNode id : b) {
      String d = docId(id);
      synchronized (subscribed) {
        subscribed.remove(new DocKey(c, d));
      }
      ctx.registry(c).run(d, new DocumentRegistry.DocTask() {
        @Override
        public void run(DocumentSequencer doc) {
          doc.unsubscribe(Agent.this);
        }

        @Override
        public void unavailable(RuntimeException e) {}
      });
    }
    send(json(F.objectNode().put("a", "bu").put("c", c).set("b", b)));
    return done();
  }

  private static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- ops ----

  private CompletableFuture<Void> submit(ObjectNode msg) throws ProtocolException, RoleNotKnown {
    String c = collection(msg);
    String d = docId(msg.get("d"));
    Role role = mayWrite(d);
    JsonNode seqNode = msg.get("seq");
    if (seqNode == null || !seqNode.isNumber() || seqNode.doubleValue() < 0
        || seqNode.doubleValue() != Math.rint(seqNode.doubleValue())) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "\"seq\" must be a non-negative integer");
    }
    if (seqNode.doubleValue() >= MAX_SEQ) {
      throw new ProtocolException(ErrorCode.CONNECTION_SEQ_INTEGER_OVERFLOW, "\"seq\" must be below 2^53-1");
    }
    long seq = seqNode.longValue();
    JsonNode srcNode = msg.get("src");
    if (srcNode != null && !srcNode.isNull() && (!srcNode.isTextual() || srcNode.textValue().isEmpty()
        || srcNode.textValue().length() > 128 || hasLoneSurrogate(srcNode.textValue()))) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "\"src\" must be a string of 1 to 128 characters");
    }
    // Another person's source is ignored: the op is this connection's own.
    String opSrc = srcNode != null && srcNode.isTextual() && ownSource(srcNode.textValue()) ? srcNode.textValue() : src;
    Long v = version(msg);
    StoredOp.Kind kind;
    Delta op;
    try {
      if (msg.has("op")) {
        kind = StoredOp.Kind.EDIT;
        op = DeltaJson.fromTree(msg.get("op"), ctx.limits());
      } else if (msg.has("create")) {
        kind = StoredOp.Kind.CREATE;
        JsonNode create = msg.get("create");
        if (!create.isObject()) {
          throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "\"create\" must be an object {type, data}");
        }
        JsonNode type = create.get("type");
        if (type == null || !type.isTextual() || !RichText.isType(type.textValue())) {
          throw new ProtocolException(ErrorCode.DOC_TYPE_NOT_RECOGNIZED,
              "unknown type " + type + "; Quire serves \"" + RichText.NAME + "\" (" + RichText.URI + ")");
        }
        JsonNode data = create.get("data");
        op = data == null || data.isNull() ? new Delta() : RichText.create(DeltaJson.fromTree(data, ctx.limits()));
      } else if (msg.has("del")) {
        JsonNode del = msg.get("del");
        if (!(del.isBoolean() && del.booleanValue())) {
          // As ShareDB: a falsy del is no op body at all; any other value is a malformed op.
          boolean falsy = del.isNull() || (del.isBoolean() && !del.booleanValue())
              || (del.isNumber() && del.doubleValue() == 0) || (del.isTextual() && del.textValue().isEmpty());
          throw falsy
              ? new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "an op message needs one of op, create or del")
              : new ProtocolException(OtError.OP_BADLY_FORMED.code(), "\"del\" must be true");
        }
        kind = StoredOp.Kind.DELETE;
        op = null;
      } else {
        throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "an op message needs one of op, create or del");
      }
    } catch (OtException e) {
      throw new ProtocolException(e.code(), e.getMessage());
    }
    if (!role.canEdit() && (kind != StoredOp.Kind.EDIT || !c.equals(Library.DOCS) || !ContentPolicy.onlyComments(op))) {
      throw new ProtocolException(ErrorCode.READ_ONLY, "you are a commenter of document \"" + d
          + "\": you may add and remove comment anchors (the \"" + ContentPolicy.COMMENT + "\" format) and change nothing else");
    }
    String refused = op == null || ctx.access().open() ? null : ContentPolicy.problem(op);
    if (refused != null) {
      throw new ProtocolException(ErrorCode.CONTENT_REFUSED, refused);
    }
    CompletableFuture<Void> out = new CompletableFuture<>();
    Submission.Reply reply = new Submission.Reply() {
      @Override
      public void acked(long version) {
        StringBuilder sb = new StringBuilder("{\"src\":");
        JsonText.string(sb, opSrc);
        sb.append(",\"seq\":").append(seq).append(",\"v\":").append(version).append(",\"a\":\"op\",\"c\":");
        JsonText.string(sb, c);
        sb.append(",\"d\":");
        JsonText.string(sb, d);
        send(sb.append('}').toString());
        if (kind == StoredOp.Kind.EDIT) {
          ctx.edits().edited(c, d, user);
        }
        out.complete(null);
      }

      @Override
      public void rejected(String code, String message) {
        ctx.metrics().refused(code);
        send(error(msg, code, message));
        out.complete(null);
      }

      @Override
      public void unavailable() {
        log.warn("conn={} closing: the store failed while committing an op of {}", conn.id(), d);
        conn.close(1013, "the document store is unavailable; reconnect and resend");
        out.complete(null);
      }
    };
    Submission submission = new Submission(this, opSrc, seq, v, kind, op, reply);
    ctx.registry(c).run(d, new DocumentRegistry.DocTask() {
      @Override
      public void run(DocumentSequencer doc) {
        doc.submit(submission);
      }

      @Override
      public void unavailable(RuntimeException e) {
        reply.unavailable();
      }
    });
    return out;
  }

  // ---- snapshots at a version or a time ----

  private CompletableFuture<Void> snapshotRequest(ObjectNode msg, boolean byTime) throws ProtocolException, RoleNotKnown {
    String c = collection(msg);
    String d = docId(msg.get("d"));
    mayRead(d);
    JsonNode id = msg.get("id");
    Long v = version(msg);
    JsonNode tsNode = msg.get("ts");
    Long ts = tsNode == null || tsNode.isNull() ? null : tsNode.longValue();
    CompletableFuture<Void> out = new CompletableFuture<>();
    ctx.registry(c).run(d, new RequestTask(msg, out) {
      @Override
      public void run(DocumentSequencer doc) {
        long head = doc.version();
        boolean current = byTime ? ts == null || ts >= doc.lastTimestamp() : v == null || v == head;
        if (!byTime && v != null && v > head) {
          send(error(msg, ErrorCode.OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT.code(),
              "version " + v + " is newer than the document's version " + head));
          out.complete(null);
          return;
        }
        if (current) {
          send(snapshotReply(msg, id, doc.snapshotJson()));
          out.complete(null);
          return;
        }
        ctx.storeExecutor().execute(() -> {
          try {
            // From a read replica when it gives exactly what the primary would (HistoryReads).
            String reader = principal == null ? "" : principal.userId();
            History.State state = byTime ? ctx.history().atTime(reader, c, d, ts).state()
                : ctx.history().atVersion(reader, c, d, v).state();
            if (state == null || state.version() > head) {
              // Ops committed since this server's copy was read: answer as of its version, as the
              // client's ops will be.
              state = head == 0 ? new History.State(0, null, null, 0) : ctx.history().atVersion(reader, c, d, head).state();
            }
            send(snapshotReply(msg, id, Snapshots.json(state.version(), state.type(), state.data())));
          } catch (RuntimeException e) {
            log.warn("conn={} history read of {} failed: {}", conn.id(), d, e.toString());
            send(error(msg, ErrorCode.STORE_UNAVAILABLE.code(), "the document history could not be read"));
          }
          out.complete(null);
        });
      }
    });
    return out;
  }

  private static String snapshotReply(ObjectNode msg, JsonNode id, String snapshot) {
    ObjectNode s = (ObjectNode) parse(snapshot);
    ObjectNode r = F.objectNode().put("a", msg.path("a").asText());
    if (id != null) {
      r.set("id", id);
    }
    r.set("v", s.get("v"));
    r.set("type", s.get("type"));
    if (s.has("data")) {
      r.set("data", s.get("data"));
    }
    r.putNull("m");
    return json(r);
  }

  // ---- presence ----

  private CompletableFuture<Void> presenceSubscription(ObjectNode msg, boolean subscribe) throws ProtocolException, RoleNotKnown {
    String ch = msg.path("ch").asText(null);
    if (ch == null) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "\"ch\" (the presence channel) is missing");
    }
    if (subscribe) {
      mayUseChannel(ch);
    }
    long seq = msg.path("seq").asLong(0);
    if (subscribe) {
      ctx.presence().subscribe(ch, this, seq);
    } else {
      ctx.presence().unsubscribe(ch, this);
    }
    ObjectNode r = F.objectNode().put("ch", ch);
    r.set("seq", msg.get("seq"));
    r.put("a", subscribe ? "ps" : "pu");
    send(json(r));
    return done();
  }

  private CompletableFuture<Void> presence(ObjectNode msg) throws ProtocolException, RoleNotKnown {
    String ch = msg.path("ch").asText(null);
    JsonNode presenceId = msg.get("id");
    if (ch == null || presenceId == null || !presenceId.isTextual()) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "presence needs \"ch\" and a string \"id\"");
    }
    JsonNode pv = msg.get("pv");
    if (pv == null || !pv.isNumber()) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "presence needs a number \"pv\"");
    }
    String channelDoc = mayUseChannel(ch);
    JsonNode p = msg.has("p") ? msg.get("p") : F.nullNode();
    if (!msg.has("c")) {
      relayPresence(msg, ch, presenceId.textValue(), p, null);
      return done();
    }
    String c = collection(msg);
    String d = docId(msg.get("d"));
    if (channelDoc != null && !(ch.equals(c + "." + d))) {
      throw new ProtocolException(ErrorCode.FORBIDDEN, "a document's presence goes on its own channel \"" + c + "." + d + "\"");
    }
    JsonNode t = msg.get("t");
    if (t != null && !(t.isTextual() && RichText.isType(t.textValue()))) {
      throw new ProtocolException(ErrorCode.TYPE_DOES_NOT_SUPPORT_PRESENCE, "presence is supported for rich-text documents");
    }
    if (!p.isNull() && !(p.isObject() && isCount(p.path("index")) && isCount(p.path("length")))) {
      throw new ProtocolException(ErrorCode.MESSAGE_BADLY_FORMED, "a rich-text presence is null or a range {index, length}");
    }
    Long v = version(msg);
    CompletableFuture<Void> out = new CompletableFuture<>();
    ctx.registry(c).run(d, new RequestTask(msg, out) {
      @Override
      public void run(DocumentSequencer doc) {
        JsonNode moved = p;
        if (!p.isNull()) {
          try {
            ObjectNode r = doc.transformPresence((ObjectNode) p, v == null ? doc.version() : v, src);
            moved = r == null ? F.nullNode() : r;
          } catch (IllegalArgumentException e) {
            send(error(msg, ErrorCode.MESSAGE_BADLY_FORMED.code(), e.getMessage()));
            out.complete(null);
            return;
          }
        }
        relayPresence(msg, ch, presenceId.textValue(), moved, doc.version());
        out.complete(null);
      }
    });
    return out;
  }

  // ---- access: checked on every message, from the access cache ----

  /** Whether a source id given by the client may be this connection's (with accounts: its person's). */
  private boolean ownSource(String s) {
    return principal == null || s.startsWith(principal.userId() + "-");
  }

  /** Message action of the notice sent when the person's role on an open document changes. */
  public static final String ROLE_NOTICE = "x-quire-role";

  /**
   * The roles on {@code docId} changed (here or on another server). If this connection has the
   * document open, it is told its role now ({@code {"a":"x-quire-role","d","role"}}, which the
   * sharedb client ignores and the web app reads to turn editing off or on); if it lost all access,
   * the connection is closed (4403), so it stops receiving the document's ops and presence.
   */
  public void accessChanged(String docId) {
    if (!hasOpen(docId)) {
      return;
    }
    Role role = ctx.access().role(principal, docId);
    if (role == null) {
      conn.close(4403, "access to a document was withdrawn");
      return;
    }
    send(json(F.objectNode().put("a", ROLE_NOTICE).put("d", docId).put("role", role.key())));
  }

  /** Message action of the notice sent when the comments of an open document change. */
  public static final String COMMENTS_NOTICE = "x-quire-comments";

  /**
   * The comments of {@code docId} changed (here or on another server): if this connection has the
   * document open and may read its comments, it is told ({@code {"a":"x-quire-comments","d"}},
   * which the sharedb client ignores), so the page reloads them.
   */
  public void commentsChanged(String docId) {
    if (!hasOpen(docId)) {
      return;
    }
    Role role = ctx.access().role(principal, docId);
    if (role != null && role.canComment()) {
      send(json(F.objectNode().put("a", COMMENTS_NOTICE).put("d", docId)));
    }
  }

  /** Whether this connection has subscribed to {@code docId} (or its title) or joined its presence. */
  private boolean hasOpen(String docId) {
    synchronized (subscribed) {
      if (subscribed.stream().anyMatch(k -> k.docId().equals(docId))) {
        return true;
      }
    }
    return ctx.presence().channelsOf(this).stream().anyMatch(ch -> ch.endsWith("." + docId));
  }

  /** Whose connection this is: a user id, or null in open mode. */
  public String userId() {
    return principal == null ? null : principal.userId();
  }

  /**
   * The person's organization memberships changed, which may change their role on any document
   * (general access): every document this connection has open is checked again, as by {@link
   * #accessChanged}.
   */
  public void membershipChanged() {
    java.util.Set<String> docs = new java.util.TreeSet<>();
    synchronized (subscribed) {
      subscribed.forEach(k -> docs.add(k.docId()));
    }
    for (String ch : ctx.presence().channelsOf(this)) {
      docs.add(ch.substring(ch.indexOf('.') + 1)); // <collection>.<id>, checked when joined
    }
    docs.forEach(this::accessChanged);
  }

  /**
   * A role this message needs is not in memory, and this thread may not wait for the store: the
   * message is handled again where it may ({@link #handleWhenRolesKnown}). Thrown before the
   * handler changes anything; no stack trace (it is control flow, not an error).
   */
  private static final class RoleNotKnown extends Exception {
    RoleNotKnown() {
      super(null, null, false, false);
    }
  }

  /** The role of this connection's person on {@code docId}, if this thread may learn it now. */
  private Role role(String docId) throws RoleNotKnown {
    if (!mayWaitForRoles && !ctx.access().knows(principal, docId)) {
      throw new RoleNotKnown();
    }
    return ctx.access().role(principal, docId);
  }

  private void mayRead(String docId) throws ProtocolException, RoleNotKnown {
    if (role(docId) == null) {
      throw new ProtocolException(ErrorCode.FORBIDDEN, "you have no access to document \"" + docId + "\"");
    }
  }

  /**
   * The role of someone who may submit ops to {@code docId}: an editor or owner, or a commenter
   * (whose ops the caller must check: comment anchors only).
   */
  private Role mayWrite(String docId) throws ProtocolException, RoleNotKnown {
    Role role = role(docId);
    if (role == null) {
      throw new ProtocolException(ErrorCode.FORBIDDEN, "you have no access to document \"" + docId + "\"");
    }
    if (!role.canComment()) {
      throw new ProtocolException(ErrorCode.READ_ONLY,
          "you are a " + role.key() + " of document \"" + docId + "\": it is read-only for you");
    }
    return role;
  }

  /**
   * With accounts, presence channels are documents' own ({@code <collection>.<id>}, as the
   * sharedb client names them), readable by the sender; returns the channel's document id, or
   * null in open mode, where any channel goes.
   */
  private String mayUseChannel(String ch) throws ProtocolException, RoleNotKnown {
    if (ctx.access().open()) {
      return null;
    }
    int dot = ch.indexOf('.');
    if (dot <= 0 || ctx.registry(ch.substring(0, dot)) == null) {
      throw new ProtocolException(ErrorCode.FORBIDDEN, "presence channels are documents': <collection>.<id>");
    }
    String d = docId(F.textNode(ch.substring(dot + 1)));
    mayRead(d);
    return d;
  }

  /** A non-negative integer (checked here: with no op to transform over, nothing else looks at it). */
  private static boolean isCount(JsonNode n) {
    return n.isNumber() && n.doubleValue() >= 0 && n.doubleValue() == Math.rint(n.doubleValue()) && n.canConvertToLong();
  }

  /** Sends {@code {a,ch,src,id,p,pv[,c,d,v,t]}} to the channel's others and echoes it to the sender. */
  private void relayPresence(ObjectNode msg, String ch, String presenceId, JsonNode p, Long version) {
    ObjectNode out = F.objectNode().put("a", "p").put("ch", ch).put("src", src).put("id", presenceId);
    out.set("p", p);
    out.set("pv", msg.get("pv"));
    if (version != null) {
      out.set("c", msg.get("c"));
      out.set("d", msg.get("d"));
      out.put("v", version);
      out.put("t", RichText.URI);
    }
    String message = json(out);
    String nullMessage = null;
    if (!p.isNull()) {
      ObjectNode gone = out.deepCopy();
      gone.putNull("p");
      nullMessage = json(gone);
    }
    ctx.presence().broadcast(ch, this, presenceId, message, nullMessage);
    send(message);
  }

  // ---- errors ----

  /**
   * Work on one document for one request, whose handling ends when {@code out} completes; when
   * the document cannot be opened the request gets the store-unavailable error.
   */
  private abstract class RequestTask implements DocumentRegistry.DocTask {
    final ObjectNode msg;
    final CompletableFuture<Void> out;

    RequestTask(ObjectNode msg, CompletableFuture<Void> out) {
      this.msg = msg;
      this.out = out;
    }

    @Override
    public void unavailable(RuntimeException e) {
      send(storeUnavailable(msg));
      out.complete(null);
    }
  }

  /** The error reply to a read the store could not serve; the client may simply retry it. */
  private static String storeUnavailable(ObjectNode msg) {
    return error(msg, ErrorCode.STORE_UNAVAILABLE.code(), "the document store is unavailable; retry");
  }

  /** The request echoed back with {@code error: {code, message}} (sharedb-protocol.md §2.1). */
  static String error(ObjectNode request, String code, String message) {
    ObjectNode r = request.deepCopy();
    r.set("error", F.objectNode().put("code", code).put("message", message));
    return json(r);
  }

  private static String errorOnly(String code, String message) {
    return json(F.objectNode().set("error", F.objectNode().put("code", code).put("message", message)));
  }

  /**
   * JSON text of a tree, escaping lone surrogates: Jackson's {@code toString} would leave them raw
   * and the UTF-8 encoder of the socket would then replace them, changing the client's text.
   */
  static String json(JsonNode node) {
    StringBuilder sb = new StringBuilder(128);
    JsonText.value(sb, node);
    return sb.toString();
  }
}
