package dev.quire.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.auth.AccountStore;
import dev.quire.server.auth.AuthException;
import dev.quire.server.auth.Permissions;
import dev.quire.server.auth.Principal;
import dev.quire.server.auth.Role;
import dev.quire.server.catalog.DisplayNames;
import dev.quire.server.catalog.Library;
import dev.quire.server.catalog.LibraryException;
import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.DocumentCatalog.Entry;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API of the home page, under {@code /api}. JSON in and out; every answer is {@code
 * Cache-Control: no-store} (it is one person's view of their documents: no shared cache may keep
 * it). Errors are {@code {"error":{"code","message"}}} with a stable {@link ApiError} code, and a
 * refused request changes nothing.
 *
 * <pre>
 * GET    /api/documents?q=&amp;sort=recent|name&amp;trash=true&amp;limit=&amp;org=  list
 * POST   /api/documents              {"title", "org"}  create → 201
 * GET    /api/documents/{id}                    one (deleted ones too, with deletedAt)
 * PATCH  /api/documents/{id}         {"title"}  rename
 * DELETE /api/documents/{id}                    to the trash
 * POST   /api/documents/{id}/restore {}         out of the trash
 * </pre>
 *
 * The person's display name comes in the header {@code X-Quire-Name}, URL-encoded (it is a label
 * until accounts exist, not a credential). Bodies must be {@code application/json}: a cross-site
 * form cannot send that without the browser asking this server first.
 *
 * <p>A document is created in an organization the person is a member of ({@code org}; by default
 * their first by name, the default organization if they are in it) and stays there. In open mode
 * everything is in the default organization.
 */
public final class DocumentsApi {
  private static final Logger log = LoggerFactory.getLogger(DocumentsApi.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** What ids of documents, organizations and people look like in the API. */
  static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final int DEFAULT_LIMIT = 200;
  static final int MAX_LIMIT = 1000;
  static final int MAX_QUERY = 200;
  private static final String ANSWERED = "quire.api.answered";

  private final Library library;
  /** Document roles; null in open mode, where everyone may do everything. */
  private final Permissions permissions;
  /** Organization memberships; null in open mode. */
  private final AccountStore accounts;

  public DocumentsApi(Library library) {
    this(library, null, null);
  }

  public DocumentsApi(Library library, Permissions permissions, AccountStore accounts) {
    this.library = library;
    this.permissions = permissions;
    this.accounts = accounts;
  }

  public void mount(JavalinDefaultRoutingApi routes) {
    routes.before("/api/*", ctx -> ctx.header("Cache-Control", "no-store").header("X-Content-Type-Options", "nosniff"));
    routes.get("/api/documents", ctx -> handle(ctx, this::list));
    routes.post("/api/documents", ctx -> handle(ctx, this::create));
    routes.get("/api/documents/{id}", ctx -> handle(ctx, c -> {
      Role role = require(c, id(c), Role.VIEWER);
      return one(entry(id(c)), role);
    }));
    routes.patch("/api/documents/{id}", ctx -> handle(ctx, this::rename));
    routes.delete("/api/documents/{id}", ctx -> handle(ctx, c -> {
      Role role = require(c, id(c), Role.OWNER);
      return one(library.delete(id(c)), role);
    }));
    routes.post("/api/documents/{id}/restore", ctx -> handle(ctx, c -> {
      Role role = require(c, id(c), Role.OWNER);
      body(c);
      return one(library.restore(id(c)), role);
    }));
  }

  /**
   * Called for every 404 under /api: a request that matched no route gets a JSON error too (a
   * handler's own 404, such as an unknown document, is left as it is).
   */
  public static void notFound(Context ctx) {
    if (ctx.attribute(ANSWERED) == null) {
      error(ctx, ApiError.NOT_FOUND, "no such API: " + ctx.method() + " " + ctx.path());
    }
  }

  @FunctionalInterface
  interface Handler {
    JsonNode handle(Context ctx) throws Exception;
  }

  static void handle(Context ctx, Handler h) {
    try {
      JsonNode out = h.handle(ctx);
      ctx.contentType("application/json; charset=utf-8").result(out.toString());
    } catch (ApiError.Failure f) {
      error(ctx, f.error, f.getMessage());
    } catch (AuthException e) {
      ApiError code = switch (e.problem()) {
        case BAD_INPUT -> ApiError.BAD_REQUEST;
        case NAME_TAKEN -> ApiError.NAME_TAKEN;
        case BAD_CREDENTIALS -> ApiError.BAD_CREDENTIALS;
        case THROTTLED -> ApiError.THROTTLED;
        case SIGNUP_CLOSED -> ApiError.SIGNUP_CLOSED;
        case SETUP_DONE -> ApiError.SETUP_DONE;
        case NOT_SIGNED_IN -> ApiError.NOT_SIGNED_IN;
        case NOT_FOUND -> ApiError.NOT_FOUND;
      };
      error(ctx, code, e.getMessage());
    } catch (LibraryException e) {
      ApiError code = switch (e.problem()) {
        case NOT_FOUND -> ApiError.DOC_NOT_FOUND;
        case DELETED -> ApiError.DOC_DELETED;
        case NOT_DELETED -> ApiError.DOC_NOT_DELETED;
        case REFUSED -> ApiError.REFUSED;
        case UNAVAILABLE -> ApiError.STORE_UNAVAILABLE;
      };
      error(ctx, code, e.getMessage());
    } catch (Exception e) {
      log.error("{} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, ApiError.INTERNAL, "internal error; nothing was changed");
    }
  }

  static void error(Context ctx, ApiError e, String message) {
    ctx.attribute(ANSWERED, Boolean.TRUE);
    ObjectNode body = F.objectNode();
    body.putObject("error").put("code", e.code).put("message", message);
    ctx.status(e.status).header("Cache-Control", "no-store")
        .contentType("application/json; charset=utf-8").result(body.toString());
  }

  private JsonNode list(Context ctx) {
    String q = ctx.queryParam("q");
    if (q != null && q.length() > MAX_QUERY) {
      throw ApiError.BAD_REQUEST.failure("q has at most " + MAX_QUERY + " characters");
    }
    String sortParam = ctx.queryParam("sort");
    DocumentCatalog.Sort sort;
    if (sortParam == null || sortParam.equals("recent")) {
      sort = DocumentCatalog.Sort.RECENT;
    } else if (sortParam.equals("name")) {
      sort = DocumentCatalog.Sort.NAME;
    } else {
      throw ApiError.BAD_REQUEST.failure("sort must be \"recent\" or \"name\", got \"" + sortParam + "\"");
    }
    String trash = ctx.queryParam("trash");
    if (trash != null && !trash.equals("true") && !trash.equals("false")) {
      throw ApiError.BAD_REQUEST.failure("trash must be true or false");
    }
    int limit = DEFAULT_LIMIT;
    String limitParam = ctx.queryParam("limit");
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ApiError.BAD_REQUEST.failure("limit must be a whole number from 1 to " + MAX_LIMIT);
      }
    }
    String org = ctx.queryParam("org");
    if (org != null && !ID.matcher(org).matches()) {
      throw ApiError.ORG_NOT_FOUND.failure("no organization " + org);
    }
    Principal me = Guard.principal(ctx);
    String visibleTo = permissions == null ? null : me.userId();
    List<Entry> entries = library.list(new DocumentCatalog.Query(q == null ? null : q.trim(), sort,
        "true".equals(trash), limit, visibleTo, org));
    Map<String, Role> roles = new HashMap<>();
    Set<String> myOrgs = new HashSet<>();
    if (permissions != null) {
      permissions.grantsTo(me.userId()).forEach(g -> roles.merge(g.docId(), g.role(), Role::max));
      accounts.membershipsOf(me.userId()).forEach(m -> myOrgs.add(m.orgId()));
    }
    ObjectNode out = F.objectNode();
    ArrayNode docs = out.putArray("documents");
    for (Entry e : entries) {
      Role role = Role.OWNER;
      if (permissions != null) {
        role = roles.get(e.id());
        if (myOrgs.contains(e.orgId())) {
          role = Role.max(role, e.generalAccess());
        }
      }
      docs.add(json(e, role));
    }
    return out;
  }

  private JsonNode create(Context ctx) {
    JsonNode body = body(ctx);
    String title = title(body, false);
    String org = organizationForNewDocument(ctx, body);
    Entry e = library.create(title == null ? "" : title, name(ctx), org);
    if (permissions != null) {
      permissions.grant(e.id(), Guard.principal(ctx).userId(), Role.OWNER); // the creator owns it
    }
    ctx.status(201).header("Location", "/api/documents/" + e.id());
    return one(e, Role.OWNER);
  }

  /**
   * The organization a new document goes into: {@code body.org}, which the person must be a member
   * of, or by default their first organization by name (the default organization if they are in
   * it). Not being a member is answered as "no such organization" (whether it exists is not told).
   */
  private String organizationForNewDocument(Context ctx, JsonNode body) {
    JsonNode org = body.get("org");
    if (org != null && !org.isNull() && (!org.isTextual() || !ID.matcher(org.textValue()).matches())) {
      throw ApiError.ORG_NOT_FOUND.failure("\"org\" must be the id of one of your organizations");
    }
    String wanted = org == null || org.isNull() ? null : org.textValue();
    if (permissions == null) {
      if (wanted != null && !wanted.equals(DocumentCatalog.DEFAULT_ORG)) {
        throw ApiError.ORG_NOT_FOUND.failure("without accounts every document is in the organization \"default\"");
      }
      return DocumentCatalog.DEFAULT_ORG;
    }
    List<AccountStore.Member> mine = accounts.membershipsOf(Guard.principal(ctx).userId());
    if (wanted != null) {
      if (mine.stream().noneMatch(m -> m.orgId().equals(wanted))) {
        throw ApiError.ORG_NOT_FOUND.failure("you are not a member of an organization " + wanted);
      }
      return wanted;
    }
    if (mine.stream().anyMatch(m -> m.orgId().equals(DocumentCatalog.DEFAULT_ORG))) {
      return DocumentCatalog.DEFAULT_ORG;
    }
    return mine.stream().map(m -> accounts.organization(m.orgId()).orElse(null)).filter(o -> o != null)
        .min(OrganizationsApi.BY_NAME).map(AccountStore.Organization::id)
        .orElseThrow(() -> ApiError.ORG_NOT_FOUND.failure("you are in no organization; create one first"));
  }

  private JsonNode rename(Context ctx) {
    String id = id(ctx);
    Role role = require(ctx, id, Role.EDITOR);
    String title = title(body(ctx), true);
    return one(library.rename(id, title, name(ctx)), role);
  }

  /** The request's JSON object body; it must be declared as JSON. */
  static JsonNode body(Context ctx) {
    String type = ctx.header("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw ApiError.UNSUPPORTED_MEDIA_TYPE.failure("send the body as application/json");
    }
    JsonNode n;
    try {
      n = JSON.readTree(ctx.body());
    } catch (JsonProcessingException e) {
      throw ApiError.BAD_JSON.failure("the body is not valid JSON: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) {
      throw ApiError.BAD_JSON.failure("the body must be a JSON object");
    }
    return n;
  }

  /** {@code body.title}, trimmed and checked; null when absent and not required. */
  private static String title(JsonNode body, boolean required) {
    JsonNode t = body.get("title");
    if (t == null || t.isNull()) {
      if (required) {
        throw ApiError.BAD_REQUEST.failure("\"title\" is required");
      }
      return null;
    }
    if (!t.isTextual()) {
      throw ApiError.BAD_REQUEST.failure("\"title\" must be a string");
    }
    String title = t.textValue().strip();
    String problem = dev.quire.server.catalog.Library.titleProblem(title);
    if (problem != null) {
      throw ApiError.BAD_REQUEST.failure(problem);
    }
    return title;
  }

  /**
   * The asker's role on a document, which must be {@code needed} or stronger. No role at all is
   * "no such document" (whether it exists is not told); too weak a role is refused as such.
   */
  Role require(Context ctx, String id, Role needed) {
    if (permissions == null) {
      return Role.OWNER;
    }
    Role role = permissions.role(Guard.principal(ctx), id);
    if (role == null) {
      throw ApiError.DOC_NOT_FOUND.failure("no document " + id);
    }
    if (role.ordinal() > needed.ordinal()) {
      throw ApiError.FORBIDDEN.failure("you are a " + role.key() + " of this document; this needs " + needed.key());
    }
    return role;
  }

  /** The catalog's entry of a document (deleted ones too). */
  Entry entry(String id) {
    return library.get(id).orElseThrow(() -> ApiError.DOC_NOT_FOUND.failure("no document " + id));
  }

  static String id(Context ctx) {
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      throw ApiError.DOC_NOT_FOUND.failure("no document " + id);
    }
    return id;
  }

  /**
   * Who is asking, as the catalog records it: the signed-in person's name; in open mode, the
   * display name from {@code X-Quire-Name} (URL-encoded UTF-8), cleaned, or null if none.
   */
  private static String name(Context ctx) {
    if (Guard.principal(ctx) != null) {
      return Guard.principal(ctx).name();
    }
    String raw = ctx.header("X-Quire-Name");
    if (raw == null) {
      return null;
    }
    try {
      return DisplayNames.clean(URLDecoder.decode(raw, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw ApiError.BAD_REQUEST.failure("X-Quire-Name must be URL-encoded UTF-8");
    }
  }

  private static JsonNode one(Entry e, Role role) {
    ObjectNode out = F.objectNode();
    out.set("document", json(e, role));
    return out;
  }

  /** A document as listed, with the asker's role on it (null if none is recorded). */
  private static ObjectNode json(Entry e, Role role) {
    ObjectNode o = F.objectNode();
    if (role != null) {
      o.put("role", role.key());
    } else {
      o.putNull("role");
    }
    o.put("id", e.id()).put("title", e.title()).put("org", e.orgId())
        .put("generalAccess", Role.accessKey(e.generalAccess())).put("createdAt", e.createdAt());
    o.put("createdBy", e.createdBy()).put("editedAt", e.editedAt()).put("editedBy", e.editedBy());
    if (e.deletedAt() != null) {
      o.put("deletedAt", e.deletedAt());
    } else {
      o.putNull("deletedAt");
    }
    return o;
  }
}
