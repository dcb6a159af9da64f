package dev.quire.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.auth.AccountStore;
import dev.quire.server.auth.AccountStore.Grant;
import dev.quire.server.auth.AccountStore.User;
import dev.quire.server.auth.Permissions;
import dev.quire.server.auth.Principal;
import dev.quire.server.auth.Role;
import dev.quire.server.store.DocumentCatalog.Entry;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/**
 * Who has which role on a document, under {@code /api/documents/{id}/people} (accounts mode).
 * Anyone with a role sees the list (the people in a document, and what everyone in its
 * organization may do: its general access); only owners change it. A document keeps at least one
 * owner. Every change is published at once to every server, so open sockets get the new role with
 * their next message.
 *
 * <pre>
 * GET    /api/documents/{id}/people                        {people: [{id, name, role}], organization: {id, name}, generalAccess}
 * PUT    /api/documents/{id}/access   {generalAccess}      none, viewer, commenter or editor for everyone in its organization (owners)
 * PUT    /api/documents/{id}/people   {user, role}         share with a person, by name or email
 * DELETE /api/documents/{id}/people/{userId}               unshare (owners; anyone may leave)
 * GET    /api/documents/{id}/links                         share links (owners)
 * POST   /api/documents/{id}/links    {role}               a new link, viewer or editor → its secret, once
 * DELETE /api/documents/{id}/links/{linkId}                revoke: everyone who came through it loses that access
 * POST   /api/links/redeem            {secret}             open a link (signed in) → {document, role}
 * </pre>
 */
public final class SharingApi {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final DocumentsApi documents;
  private final Permissions permissions;
  private final AccountStore accounts;

  public SharingApi(DocumentsApi documents, Permissions permissions, AccountStore accounts) {
    this.documents = documents;
    this.permissions = permissions;
    this.accounts = accounts;
  }

  public void mount(JavalinDefaultRoutingApi routes) {
    routes.get("/api/documents/{id}/people", ctx -> DocumentsApi.handle(ctx, c -> {
      String id = DocumentsApi.id(c);
      documents.require(c, id, Role.VIEWER);
      return people(id);
    }));
    routes.put("/api/documents/{id}/people", ctx -> DocumentsApi.handle(ctx, this::share));
    routes.put("/api/documents/{id}/access", ctx -> DocumentsApi.handle(ctx, c -> {
      String id = DocumentsApi.id(c);
      documents.require(c, id, Role.OWNER);
      String key = AuthApi.text(DocumentsApi.body(c), "generalAccess");
      Role access = Role.of(key);
      if (!key.equals("none") && (access == null || access == Role.OWNER)) {
        throw ApiError.BAD_REQUEST.failure("\"generalAccess\" is none, viewer, commenter or editor");
      }
      if (!permissions.setGeneralAccess(id, access)) {
        throw ApiError.DOC_NOT_FOUND.failure("no document " + id);
      }
      return people(id);
    }));
    routes.delete("/api/documents/{id}/people/{userId}", ctx -> DocumentsApi.handle(ctx, this::unshare));
    routes.get("/api/documents/{id}/links", ctx -> DocumentsApi.handle(ctx, c -> {
      String id = DocumentsApi.id(c);
      documents.require(c, id, Role.OWNER);
      return links(id);
    }));
    routes.post("/api/documents/{id}/links", ctx -> DocumentsApi.handle(ctx, c -> {
      String id = DocumentsApi.id(c);
      documents.require(c, id, Role.OWNER);
      Role role = Role.of(AuthApi.text(DocumentsApi.body(c), "role"));
      if (role != Role.VIEWER && role != Role.EDITOR) {
        throw ApiError.BAD_REQUEST.failure("a link gives \"viewer\" or \"editor\"");
      }
      Permissions.NewLink l = permissions.createLink(id, role, Guard.principal(c).userId());
      ObjectNode out = F.objectNode();
      out.put("secret", l.secret()).put("path", "/s#" + l.secret()).set("link", json(l.link()));
      c.status(201);
      return out;
    }));
    routes.delete("/api/documents/{id}/links/{linkId}", ctx -> DocumentsApi.handle(ctx, c -> {
      String id = DocumentsApi.id(c);
      documents.require(c, id, Role.OWNER);
      if (!permissions.revokeLink(id, c.pathParam("linkId"))) {
        throw ApiError.NOT_FOUND.failure("no such link");
      }
      return links(id);
    }));
    routes.post("/api/links/redeem", ctx -> DocumentsApi.handle(ctx, c -> {
      AccountStore.Link l = permissions.redeem(AuthApi.text(DocumentsApi.body(c), "secret"), Guard.principal(c).userId())
          .orElseThrow(() -> ApiError.LINK_NOT_FOUND.failure("this link was revoked or never existed"));
      return F.objectNode().put("document", l.docId()).put("role", l.role().key());
    }));
  }

  private JsonNode links(String docId) {
    ObjectNode out = F.objectNode();
    ArrayNode list = out.putArray("links");
    permissions.links(docId).forEach(l -> list.add(json(l)));
    return out;
  }

  private static ObjectNode json(AccountStore.Link l) {
    return F.objectNode().put("id", l.id()).put("role", l.role().key()).put("createdAt", l.createdAt());
  }

  private JsonNode share(Context ctx) {
    String id = DocumentsApi.id(ctx);
    documents.require(ctx, id, Role.OWNER);
    JsonNode body = DocumentsApi.body(ctx);
    String who = AuthApi.text(body, "user").strip();
    Role role = Role.of(AuthApi.text(body, "role"));
    if (role == null) {
      throw ApiError.BAD_REQUEST.failure("\"role\" is owner, editor, commenter or viewer");
    }
    User user = (who.indexOf('@') >= 0 ? accounts.userByEmail(who) : accounts.userByName(who))
        .orElseThrow(() -> ApiError.USER_NOT_FOUND.failure("nobody is called " + who));
    if (role != Role.OWNER) {
      keepAnOwner(id, user.id());
    }
    permissions.grant(id, user.id(), role);
    return people(id);
  }

  private JsonNode unshare(Context ctx) {
    String id = DocumentsApi.id(ctx);
    String userId = ctx.pathParam("userId");
    Principal me = Guard.principal(ctx);
    documents.require(ctx, id, userId.equals(me.userId()) ? Role.VIEWER : Role.OWNER);
    keepAnOwner(id, userId);
    if (!permissions.revoke(id, userId)) {
      throw ApiError.USER_NOT_FOUND.failure("that person has no role on this document");
    }
    return people(id);
  }

  /** Refuses to take the last owner's ownership away. */
  private void keepAnOwner(String docId, String losing) {
    boolean another = permissions.grantsOf(docId).stream()
        .anyMatch(g -> g.role() == Role.OWNER && !g.userId().equals(losing));
    if (!another) {
      throw ApiError.LAST_OWNER.failure("a document keeps at least one owner; make someone else owner first");
    }
  }

  private JsonNode people(String docId) {
    ObjectNode out = F.objectNode();
    ArrayNode list = out.putArray("people");
    for (Grant g : permissions.grantsOf(docId)) {
      String name = accounts.userById(g.userId()).map(User::name).orElse(null);
      list.add(F.objectNode().put("id", g.userId()).put("name", name).put("role", g.role().key()));
    }
    Entry doc = documents.entry(docId);
    String orgName = accounts.organization(doc.orgId()).map(AccountStore.Organization::name).orElse(doc.orgId());
    out.putObject("organization").put("id", doc.orgId()).put("name", orgName);
    out.put("generalAccess", Role.accessKey(doc.generalAccess()));
    return out;
  }
}
