package dev.quire.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.auth.AccountStore;
import dev.quire.server.auth.AccountStore.Member;
import dev.quire.server.auth.AccountStore.Organization;
import dev.quire.server.auth.AccountStore.User;
import dev.quire.server.auth.OrgRole;
import dev.quire.server.auth.Permissions;
import dev.quire.server.auth.Principal;
import dev.quire.server.auth.Secrets;
import dev.quire.server.catalog.Library;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Organizations and their members, under {@code /api/organizations} (accounts mode). Anyone signed
 * in may create one (and owns it); members see it and its members; owners and admins rename it
 * and manage members, and only owners make or unmake owners. An organization keeps at least one
 * owner. Someone who is not a member is told the organization does not exist. Every change of a
 * person's membership is published at once ({@link Permissions#membershipChanged}), so what they
 * had through documents' general access is re-checked on their open sockets.
 *
 * <pre>
 * GET    /api/organizations                                 mine, by name: [{id, name, role}]
 * POST   /api/organizations          {name}                 create → 201 {organization}
 * PATCH  /api/organizations/{org}    {name}                 rename (owners, admins)
 * GET    /api/organizations/{org}/members                   [{id, name, role}] (members)
 * POST   /api/organizations/{org}/members  {user, role}     add by name or email (owners, admins)
 * PATCH  /api/organizations/{org}/members/{userId} {role}   change a role (owners, admins)
 * DELETE /api/organizations/{org}/members/{userId}          remove (owners, admins; anyone may leave)
 * </pre>
 */
public final class OrganizationsApi {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** Longest organization name, in UTF-16 units. */
  static final int MAX_NAME = 100;
  /** The order organizations are listed and chosen in: by name ignoring case, then id. */
  public static final Comparator<Organization> BY_NAME = Comparator
      .comparing((Organization o) -> o.name().toLowerCase(Locale.ROOT)).thenComparing(Organization::id);

  private final AccountStore accounts;
  private final Permissions permissions;
  private final Clock clock;

  public OrganizationsApi(AccountStore accounts, Permissions permissions, Clock clock) {
    this.accounts = accounts;
    this.permissions = permissions;
    this.clock = clock;
  }

  public void mount(JavalinDefaultRoutingApi routes) {
    routes.get("/api/organizations", ctx -> DocumentsApi.handle(ctx, this::mine));
    routes.post("/api/organizations", ctx -> DocumentsApi.handle(ctx, this::create));
    routes.patch("/api/organizations/{org}", ctx -> DocumentsApi.handle(ctx, this::rename));
    routes.get("/api/organizations/{org}/members", ctx -> DocumentsApi.handle(ctx, c -> {
      Organization org = organization(c, OrgRole.MEMBER);
      return members(org.id());
    }));
    routes.post("/api/organizations/{org}/members", ctx -> DocumentsApi.handle(ctx, this::add));
    routes.patch("/api/organizations/{org}/members/{userId}", ctx -> DocumentsApi.handle(ctx, this::change));
    routes.delete("/api/organizations/{org}/members/{userId}", ctx -> DocumentsApi.handle(ctx, this::remove));
  }

  private JsonNode mine(Context ctx) {
    ObjectNode out = F.objectNode();
    ArrayNode list = out.putArray("organizations");
    List<Member> memberships = accounts.membershipsOf(Guard.principal(ctx).userId());
    memberships.stream()
        .map(m -> accounts.organization(m.orgId()).map(o -> new Mine(o, m.role())).orElse(null))
        .filter(m -> m != null)
        .sorted(Comparator.comparing(Mine::org, BY_NAME))
        .forEach(m -> list.add(json(m.org(), m.role())));
    return out;
  }

  private record Mine(Organization org, OrgRole role) {}

  private JsonNode create(Context ctx) {
    String name = name(DocumentsApi.body(ctx));
    Organization org = new Organization(Secrets.id(), name, clock.millis());
    if (!accounts.addOrganization(org, Guard.principal(ctx).userId())) {
      throw new IllegalStateException("organization id " + org.id() + " was taken"); // 72 random bits
    }
    ctx.status(201);
    return F.objectNode().set("organization", json(org, OrgRole.OWNER));
  }

  private JsonNode rename(Context ctx) {
    Organization org = organization(ctx, OrgRole.ADMIN);
    String name = name(DocumentsApi.body(ctx));
    accounts.renameOrganization(org.id(), name);
    OrgRole mine = accounts.orgRole(org.id(), Guard.principal(ctx).userId()).orElse(OrgRole.MEMBER);
    return F.objectNode().set("organization", json(new Organization(org.id(), name, org.createdAt()), mine));
  }

  private JsonNode add(Context ctx) {
    Organization org = organization(ctx, OrgRole.ADMIN);
    JsonNode body = DocumentsApi.body(ctx);
    String who = AuthApi.text(body, "user").strip();
    OrgRole role = role(body);
    mayGive(ctx, org, role);
    User user = (who.indexOf('@') >= 0 ? accounts.userByEmail(who) : accounts.userByName(who))
        .orElseThrow(() -> ApiError.USER_NOT_FOUND.failure("nobody is called " + who));
    if (!accounts.addMember(org.id(), user.id(), role)) {
      throw ApiError.ALREADY_MEMBER.failure(user.name() + " is a member already; change their role instead");
    }
    permissions.membershipChanged(user.id());
    ctx.status(201);
    return members(org.id());
  }

  private JsonNode change(Context ctx) {
    Organization org = organization(ctx, OrgRole.ADMIN);
    String userId = userId(ctx);
    OrgRole role = role(DocumentsApi.body(ctx));
    OrgRole now = memberRole(org, userId);
    mayGive(ctx, org, role);
    mayGive(ctx, org, now);
    if (!accounts.setMemberRole(org.id(), userId, role)) {
      throw ApiError.LAST_OWNER.failure("an organization keeps at least one owner; make someone else owner first");
    }
    permissions.membershipChanged(userId);
    return members(org.id());
  }

  private JsonNode remove(Context ctx) {
    String userId = userId(ctx);
    boolean leaving = userId.equals(Guard.principal(ctx).userId());
    Organization org = organization(ctx, leaving ? OrgRole.MEMBER : OrgRole.ADMIN);
    OrgRole now = memberRole(org, userId);
    if (!leaving) {
      mayGive(ctx, org, now);
    }
    if (!accounts.removeMember(org.id(), userId)) {
      throw ApiError.LAST_OWNER.failure("an organization keeps at least one owner; make someone else owner first");
    }
    permissions.membershipChanged(userId);
    return leaving ? F.objectNode().set("members", F.arrayNode()) : members(org.id());
  }

  /**
   * The organization named in the path, which the asker must be a member of with {@code needed}
   * or a stronger role. Not a member (or no such organization, or an odd id): 404, whether it
   * exists is not told; a weaker role: 403.
   */
  private Organization organization(Context ctx, OrgRole needed) {
    String id = ctx.pathParam("org");
    if (!DocumentsApi.ID.matcher(id).matches()) {
      throw ApiError.ORG_NOT_FOUND.failure("no organization " + id);
    }
    OrgRole mine = accounts.orgRole(id, Guard.principal(ctx).userId())
        .orElseThrow(() -> ApiError.ORG_NOT_FOUND.failure("no organization " + id));
    if (mine.ordinal() > needed.ordinal()) {
      throw ApiError.FORBIDDEN.failure("you are a " + mine.key() + " of this organization; this needs " + needed.key());
    }
    return accounts.organization(id).orElseThrow(() -> ApiError.ORG_NOT_FOUND.failure("no organization " + id));
  }

  /** Only owners make someone an owner or change what an owner is. */
  private void mayGive(Context ctx, Organization org, OrgRole role) {
    Principal me = Guard.principal(ctx);
    if (role == OrgRole.OWNER && accounts.orgRole(org.id(), me.userId()).orElse(null) != OrgRole.OWNER) {
      throw ApiError.FORBIDDEN.failure("only an owner of the organization makes or changes owners");
    }
  }

  private OrgRole memberRole(Organization org, String userId) {
    return accounts.orgRole(org.id(), userId)
        .orElseThrow(() -> ApiError.USER_NOT_FOUND.failure("that person is not a member of this organization"));
  }

  private static String userId(Context ctx) {
    String id = ctx.pathParam("userId");
    if (!DocumentsApi.ID.matcher(id).matches()) {
      throw ApiError.USER_NOT_FOUND.failure("that person is not a member of this organization");
    }
    return id;
  }

  private static OrgRole role(JsonNode body) {
    OrgRole role = OrgRole.of(AuthApi.text(body, "role"));
    if (role == null) {
      throw ApiError.BAD_REQUEST.failure("\"role\" is owner, admin or member");
    }
    return role;
  }

  private static String name(JsonNode body) {
    String name = AuthApi.text(body, "name").strip();
    String problem = name.isEmpty() ? "an organization needs a name"
        : name.length() > MAX_NAME ? "an organization's name has at most " + MAX_NAME + " characters"
        : Library.titleProblem(name);
    if (problem != null) {
      throw ApiError.BAD_REQUEST.failure(problem);
    }
    return name;
  }

  private JsonNode members(String orgId) {
    ObjectNode out = F.objectNode();
    ArrayNode list = out.putArray("members");
    for (Member m : accounts.membersOf(orgId)) {
      String name = accounts.userById(m.userId()).map(User::name).orElse(null);
      list.add(F.objectNode().put("id", m.userId()).put("name", name).put("role", m.role().key()));
    }
    return out;
  }

  private static ObjectNode json(Organization org, OrgRole role) {
    return F.objectNode().put("id", org.id()).put("name", org.name()).put("role", role.key())
        .put("createdAt", org.createdAt());
  }
}
