package dev.quire.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.auth.AccountStore.Token;
import dev.quire.server.auth.AccountStore.User;
import dev.quire.server.auth.Accounts;
import dev.quire.server.auth.Accounts.NewSession;
import dev.quire.server.auth.AuthMode;
import dev.quire.server.auth.Principal;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Duration;

/**
 * Accounts over HTTP, under {@code /api/auth} and {@code /api/tokens}. Every answer that signs
 * someone in sets a new session cookie ({@code HttpOnly; SameSite=Lax; Secure} except on
 * plain-http localhost) and never puts the session id in the body, so no script can read it.
 *
 * <pre>
 * GET    /api/auth/state                               mode, sign-up open?, set-up pending?, me, csrf
 * POST   /api/auth/setup    {secret, name, email?, password}   the first administrator (one-time link)
 * POST   /api/auth/signup   {name, email?, password}
 * POST   /api/auth/login    {name, password}          name or email
 * POST   /api/auth/logout   {}
 * POST   /api/auth/password {current, password}       ends every session of the person, starts a new one
 * GET    /api/tokens                                  my API tokens
 * POST   /api/tokens        {name, expiresInDays}     → the token, shown once (expiresInDays: 1–3650, or null: until revoked)
 * DELETE /api/tokens/{id}
 * </pre>
 */
public final class AuthApi {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Accounts accounts;
  private final Guard guard;
  private final long cookieSeconds;

  public AuthApi(Accounts accounts, Guard guard, Duration sessionMaxAge) {
    this.accounts = accounts;
    this.guard = guard;
    this.cookieSeconds = sessionMaxAge.toSeconds();
  }

  public void mount(JavalinDefaultRoutingApi routes) {
    routes.get("/api/auth/state", ctx -> DocumentsApi.handle(ctx, this::state));
    routes.post("/api/auth/setup", ctx -> DocumentsApi.handle(ctx, c -> {
      JsonNode b = DocumentsApi.body(c);
      return signedIn(c, accounts.setup(text(b, "secret"), text(b, "name"), optional(b, "email"), text(b, "password")));
    }));
    routes.post("/api/auth/signup", ctx -> DocumentsApi.handle(ctx, c -> {
      JsonNode b = DocumentsApi.body(c);
      return signedIn(c, accounts.signup(text(b, "name"), optional(b, "email"), text(b, "password")));
    }));
    routes.post("/api/auth/login", ctx -> DocumentsApi.handle(ctx, c -> {
      JsonNode b = DocumentsApi.body(c);
      return signedIn(c, accounts.login(text(b, "name"), text(b, "password"), guard.addresses().of(c)));
    }));
    routes.post("/api/auth/logout", ctx -> DocumentsApi.handle(ctx, c -> {
      accounts.logout(Guard.principal(c));
      c.header("Set-Cookie", guard.cookie(c, null, 0));
      return F.objectNode();
    }));
    routes.post("/api/auth/password", ctx -> DocumentsApi.handle(ctx, c -> {
      JsonNode b = DocumentsApi.body(c);
      return signedIn(c, accounts.changePassword(me(c), text(b, "current"), text(b, "password")));
    }));
    routes.get("/api/tokens", ctx -> DocumentsApi.handle(ctx, c -> {
      ObjectNode out = F.objectNode();
      ArrayNode list = out.putArray("tokens");
      accounts.tokens(me(c).userId()).forEach(t -> list.add(json(t)));
      return out;
    }));
    routes.post("/api/tokens", ctx -> DocumentsApi.handle(ctx, c -> {
      JsonNode body = DocumentsApi.body(c);
      JsonNode days = body.get("expiresInDays");
      if (days != null && !days.isNull() && !(days.canConvertToInt() && days.isIntegralNumber())) {
        throw ApiError.BAD_REQUEST.failure("\"expiresInDays\" is a whole number of days, or null for never");
      }
      java.time.Duration lifetime = days == null || days.isNull() ? null : java.time.Duration.ofDays(days.intValue());
      Accounts.NewToken t = accounts.createToken(me(c).userId(), text(body, "name"), lifetime);
      ObjectNode out = F.objectNode();
      out.put("secret", t.secret()).set("token", json(t.token()));
      c.status(201);
      return out;
    }));
    routes.delete("/api/tokens/{id}", ctx -> DocumentsApi.handle(ctx, c -> {
      accounts.revokeToken(me(c).userId(), c.pathParam("id"));
      return F.objectNode();
    }));
  }

  private JsonNode state(Context ctx) {
    ObjectNode out = F.objectNode();
    out.put("mode", guard.mode() == AuthMode.ACCOUNTS ? "accounts" : "open");
    out.put("signup", accounts.signupOpen());
    out.put("setupPending", guard.mode() == AuthMode.ACCOUNTS && accounts.needsSetup());
    Principal p = Guard.principal(ctx);
    if (p == null) {
      out.putNull("user");
      out.putNull("csrf");
    } else {
      out.set("user", F.objectNode().put("id", p.userId()).put("name", p.name()).put("admin", p.admin()));
      String secret = Guard.sessionSecret(ctx);
      if (secret != null) {
        out.put("csrf", Accounts.csrfToken(secret));
      } else {
        out.putNull("csrf");
      }
    }
    return out;
  }

  private JsonNode signedIn(Context ctx, NewSession s) {
    ctx.header("Set-Cookie", guard.cookie(ctx, s.secret(), cookieSeconds));
    User u = s.user();
    ObjectNode out = F.objectNode();
    out.set("user", F.objectNode().put("id", u.id()).put("name", u.name()).put("admin", u.admin()));
    out.put("csrf", Accounts.csrfToken(s.secret()));
    return out;
  }

  private static Principal me(Context ctx) {
    Principal p = Guard.principal(ctx);
    if (p == null) {
      throw ApiError.NOT_SIGNED_IN.failure("sign in first (this server runs without accounts)");
    }
    return p;
  }

  private static ObjectNode json(Token t) {
    ObjectNode o = F.objectNode().put("id", t.id()).put("name", t.name()).put("createdAt", t.createdAt());
    return t.expiresAt() == null ? o.putNull("expiresAt") : o.put("expiresAt", t.expiresAt());
  }

  static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || !n.isTextual()) {
      throw ApiError.BAD_REQUEST.failure("\"" + field + "\" must be a string");
    }
    return n.textValue();
  }

  static String optional(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull() || n.isTextual() && n.textValue().isBlank()) {
      return null;
    }
    return text(body, field).strip();
  }
}
