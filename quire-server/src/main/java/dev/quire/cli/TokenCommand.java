package dev.quire.cli;

import dev.quire.server.auth.AccountStore;
import dev.quire.server.auth.AccountStore.Token;
import dev.quire.server.auth.AccountStore.User;
import dev.quire.server.auth.Accounts;
import dev.quire.server.auth.AuthException;
import dev.quire.server.auth.LoginThrottle;
import dev.quire.server.bus.Bus;
import dev.quire.server.bus.InProcessBus;
import dev.quire.server.bus.redis.RedisBus;
import dev.quire.server.config.ConfigException;
import dev.quire.server.config.ConfigLoader;
import dev.quire.server.config.QuireConfig;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.store.postgres.PostgresStore;
import dev.quire.server.store.sqlite.SqliteStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code quire token create|list|revoke}: API tokens for programs, made on the server's own store
 * (the same settings as {@code quire serve} say where it is). A token is printed once, at
 * creation; the store keeps only its hash. A revocation is published on the bus (Redis in
 * cluster mode), so running servers drop the token at once; with the embedded store, a running
 * server notices within its cache lifetime (30 s) — revoke from the web page for "at once".
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Creates, lists and revokes API tokens (Authorization: Bearer TOKEN on REST calls and the WebSocket).",
    subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the store is: as {@code quire serve} is told. */
  static final class Where {
    @Option(names = "--config", paramLabel = "FILE", description = "the server's properties file")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "folder of the embedded store (default ./quire-data)")
    String dataDir;

    @Option(names = "--database-url", paramLabel = "URL", description = "cluster mode: the PostgreSQL of the servers")
    String databaseUrl;

    @Option(names = "--redis-url", paramLabel = "URL", description = "cluster mode: the Redis of the servers (revocations reach them at once)")
    String redisUrl;

    @Option(names = "--user", required = true, paramLabel = "NAME", description = "whose tokens (a name or an email)")
    String user;

    /** Runs {@code work} with the accounts and the user, closing everything after. */
    int run(CommandSpec spec, Work work) {
      PrintWriter err = spec.commandLine().getErr();
      Map<String, String> flags = new LinkedHashMap<>();
      if (dataDir != null) {
        flags.put("data-dir", dataDir);
      }
      if (databaseUrl != null) {
        flags.put("database-url", databaseUrl);
      }
      if (redisUrl != null) {
        flags.put("redis-url", redisUrl);
      }
      QuireConfig config;
      try {
        config = ConfigLoader.load(configFile, System.getenv(), flags);
      } catch (ConfigException e) {
        err.println("quire token: " + e.getMessage());
        return 2;
      }
      DocumentStore store = null;
      Bus bus = null;
      try {
        AccountStore accountStore;
        if (config.databaseUrl() != null) {
          PostgresStore pg = PostgresStore.open(config.databaseUrl(), config.databasePartitions());
          store = pg;
          accountStore = pg.accounts();
        } else {
          SqliteStore sqlite = SqliteStore.open(config.dataDir());
          store = sqlite;
          accountStore = sqlite.accounts();
        }
        bus = config.redisUrl() != null ? RedisBus.connect(config.redisUrl()) : new InProcessBus();
        Clock clock = Clock.systemUTC();
        Accounts accounts = new Accounts(accountStore, bus, clock, false, config.sessionIdleTimeout(),
            config.sessionMaxAge(), new LoginThrottle(accountStore, 1, 1, Duration.ofSeconds(1), clock));
        User u = (user.indexOf('@') >= 0 ? accountStore.userByEmail(user) : accountStore.userByName(user)).orElse(null);
        if (u == null) {
          err.println("quire token: nobody is called " + user);
          return 1;
        }
        return work.run(accounts, u, spec.commandLine().getOut());
      } catch (AuthException e) {
        err.println("quire token: " + e.getMessage());
        return 1;
      } catch (RuntimeException e) {
        err.println("quire token: " + e.getMessage());
        return 1;
      } finally {
        if (bus != null) {
          bus.close();
        }
        if (store != null) {
          store.close();
        }
      }
    }
  }

  @FunctionalInterface
  interface Work {
    int run(Accounts accounts, User user, PrintWriter out);
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a token and prints it (once).")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Where where;

    @Option(names = "--name", paramLabel = "LABEL", defaultValue = "command line", description = "what the token is for (default: command line)")
    String name;

    @Option(names = "--expires-in", paramLabel = "DURATION",
        description = "how long it works, as an ISO-8601 duration (P90D, PT12H); default: until revoked")
    Duration expiresIn;

    @Override
    public Integer call() {
      return where.run(spec, (accounts, user, out) -> {
        Accounts.NewToken t = accounts.createToken(user.id(), name, expiresIn);
        out.println(t.secret());
        out.flush();
        spec.commandLine().getErr().println("token " + t.token().id() + " (" + t.token().name() + ") for " + user.name()
            + "; it is shown only now: keep it secret");
        return 0;
      });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists a person's tokens (ids and names, never the secrets).")
  static final class ListTokens implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Where where;

    @Override
    public Integer call() {
      return where.run(spec, (accounts, user, out) -> {
        for (Token t : accounts.tokens(user.id())) {
          String until = t.expiresAt() == null ? "never" : Instant.ofEpochMilli(t.expiresAt()).toString();
          out.println(t.id() + "\t" + Instant.ofEpochMilli(t.createdAt()) + "\t" + until + "\t" + t.name());
        }
        out.flush();
        return 0;
      });
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes a token by its id (from list).")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Where where;

    @Parameters(paramLabel = "ID", description = "the token's id")
    String id;

    @Override
    public Integer call() {
      return where.run(spec, (accounts, user, out) -> {
        accounts.revokeToken(user.id(), id);
        out.println("revoked " + id);
        out.flush();
        return 0;
      });
    }
  }
}
