package dev.quire.server;

import dev.quire.server.auth.AccountStore;
import dev.quire.server.auth.Accounts;
import dev.quire.server.auth.AuthMode;
import dev.quire.server.auth.LoginThrottle;
import dev.quire.server.auth.Permissions;
import dev.quire.server.auth.Principal;
import dev.quire.server.bus.Bus;
import dev.quire.server.bus.InProcessBus;
import dev.quire.server.catalog.CatalogSync;
import dev.quire.server.catalog.DisplayNames;
import dev.quire.server.catalog.Library;
import dev.quire.server.collab.DocumentRegistry;
import dev.quire.server.collab.History;
import dev.quire.server.collab.HistoryReads;
import dev.quire.server.collab.PresenceHub;
import dev.quire.server.collab.SequencerSettings;
import dev.quire.server.comments.CommentStore;
import dev.quire.server.config.QuireConfig;
import dev.quire.server.http.AuthApi;
import dev.quire.server.http.ClientAddresses;
import dev.quire.server.http.CommentsApi;
import dev.quire.server.http.DocumentsApi;
import dev.quire.server.http.HistoryApi;
import dev.quire.server.http.Guard;
import dev.quire.server.http.Origins;
import dev.quire.server.http.OrganizationsApi;
import dev.quire.server.http.SharingApi;
import dev.quire.server.http.WebApp;
import dev.quire.server.metrics.ServerMetrics;
import dev.quire.server.protocol.Access;
import dev.quire.server.protocol.Agent;
import dev.quire.server.protocol.ServerContext;
import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.DocumentStore;
import dev.quire.server.bus.redis.RedisBus;
import dev.quire.server.retention.Compactor;
import dev.quire.server.store.postgres.PostgresStore;
import dev.quire.server.store.replica.ReadRouter;
import dev.quire.server.store.sqlite.SqliteStore;
import dev.quire.server.wire.JettyWire;
import dev.quire.server.wire.WireConnection;
import dev.quire.server.wire.WireListener;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Quire server: the wiring of wire → protocol → sequencer → store / bus, and its lifecycle.
 * Embedded mode: the SQLite store in the data folder and the in-process bus. Cluster mode:
 * PostgreSQL ({@code database-url}) and Redis ({@code redis-url}), shared by any number of
 * identical servers.
 */
public final class QuireServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QuireServer.class);

  /** The collection documents live in (sharedb-protocol.md §7). */
  public static final String COLLECTION = Library.DOCS;
  /** The collection of documents' titles: plain-text rich-text documents with the same ids. */
  public static final String TITLES = Library.TITLES;
  /** The Prometheus text exposition format, version 0.0.4, which every scraper reads. */
  static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final QuireConfig config;
  private final DocumentStore store;
  private final Bus bus;
  private final ExecutorService docPool;
  private final ExecutorService storePool;
  private final ScheduledExecutorService timers;
  private final DocumentRegistry registry;
  private final DocumentRegistry titleRegistry;
  private final CatalogSync catalogSync;
  /** The op-log retention policy; null when every op is kept (op-retention unset). */
  private final Compactor compactor;
  private final Accounts accounts;
  /** Where reads that a replica may serve go (every read to the primary without replicas). */
  private final ReadRouter reads;
  /** Document roles; null in open mode, where everyone may do everything. */
  private final Permissions permissions;
  private final Map<WireConnection, Agent> agents = new ConcurrentHashMap<>();
  private final Javalin app;
  /** This server's own registry (not a global one: several servers may share a JVM, as in tests). */
  private final PrometheusMeterRegistry meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private volatile boolean stopping;
  private volatile String setupLink;

  private QuireServer(QuireConfig config, DocumentStore store, DocumentCatalog catalog, AccountStore accountStore,
      CommentStore commentStore, Bus bus, Function<ServerMetrics, ReadRouter> routing) {
    this.config = config;
    this.store = store;
    this.bus = bus;
    int cores = Runtime.getRuntime().availableProcessors();
    this.docPool = Executors.newFixedThreadPool(Math.max(4, cores * 2), threads("quire-doc"));
    this.storePool = Executors.newFixedThreadPool(8, threads("quire-store"));
    this.timers = Executors.newSingleThreadScheduledExecutor(threads("quire-timer"));
    Clock clock = Clock.systemUTC();
    // Commit forwarding is turned off only to measure what it saves (a JVM property, like the
    // PostgreSQL committers' count: a benchmark's knob, not a setting anyone should need).
    boolean forwardCommits = !"false".equals(System.getProperty("quire.commit.forwarding"));
    SequencerSettings settings = new SequencerSettings(config.limits(), config.maxBatch(),
        config.maxSubmitRetries(), config.snapshotEvery(), 1000, SequencerSettings.DEFAULT_BUS_WAIT_MILLIS,
        forwardCommits, config.sendLingerMillis());
    ServerMetrics metrics = new ServerMetrics(meterRegistry);
    this.reads = routing.apply(metrics);
    // Opening a document may read most of it from a read replica; everything else is the primary's.
    DocumentStore docs = reads.store();
    this.registry = new DocumentRegistry(COLLECTION, docs, bus, docPool, storePool, timers, settings, clock,
        metrics);
    this.titleRegistry = new DocumentRegistry(TITLES, docs, bus, docPool, storePool, timers, settings, clock,
        metrics);
    metrics.gauge("quire.connections", "open WebSocket connections", agents::size);
    metrics.gauge("quire.documents.open", "documents held in memory", registry::openDocuments);
    String serverId = java.util.UUID.randomUUID().toString();
    this.accounts = new Accounts(accountStore, bus, clock, config.signup(), config.sessionIdleTimeout(),
        config.sessionMaxAge(), new LoginThrottle(accountStore, 5, 50, Duration.ofMinutes(15), clock));
    accounts.onRevoked(this::closeRevoked);
    this.permissions = config.auth() == AuthMode.ACCOUNTS ? new Permissions(accountStore, bus, clock) : null;
    if (permissions != null) {
      // Heard on a bus thread, which must not block: the role reads run on the store pool.
      permissions.onChanged(docId -> onStorePool(() -> agents.values().forEach(a -> a.accessChanged(docId))));
      permissions.onMemberChanged(userId -> onStorePool(() -> agents.values().stream()
          .filter(a -> userId.equals(a.userId())).forEach(Agent::membershipChanged)));
      bus.subscribe(CommentsApi.CHANNEL,
          (channel, docId) -> onStorePool(() -> agents.values().forEach(a -> a.commentsChanged(docId))));
    }
    Guard guard = new Guard(config.auth(), accounts, new Origins(config.allowedOrigins()),
        new ClientAddresses(config.trustedProxies()), config.apiRateLimit(), config.apiRateBurst(), clock);
    History history = new History(store);
    HistoryReads historyReads = new HistoryReads(reads);
    this.compactor = config.opRetention() == null ? null
        : new Compactor(store, clock, config.opRetention(), config.snapshotInterval());
    if (compactor != null) {
      compactor.onPass(p -> metrics.compacted(p.opsDeleted(), p.snapshotsWritten(), p.failures()));
    }
    this.catalogSync = new CatalogSync(catalog);
    // Listings and searches may be served by a read replica fresh enough for the person listing.
    Library library = new Library(reads.catalog(), registry, titleRegistry, history, clock, serverId);
    library.syncTitles(catalogSync);
    // A title edit is an edit of its document: both set "last edited by".
    ServerContext.EditListener edits = (collection, docId, user) -> catalogSync.edited(docId, user, clock.millis());
    ServerContext ctx = new ServerContext(List.of(registry, titleRegistry), new PresenceHub(bus, serverId), historyReads, storePool,
        config.limits(), config.rateLimit(), config.rateBurst(), config.maxInbox(), clock, metrics, edits,
        permissions != null ? permissions : Access.OPEN);
    WireListener listener = new WireListener() {
      @Override
      public void onOpen(WireConnection c) {
        onOpen(c, Map.of());
      }

      @Override
      public void onOpen(WireConnection c, Map<String, List<String>> query) {
        onOpen(c, query, null);
      }

      @Override
      public void onOpen(WireConnection c, Map<String, List<String>> query, Object principal) {
        if (stopping) {
          c.close(1012, "the server is restarting; reconnect");
          return;
        }
        List<String> names = query.get("name");
        String user = DisplayNames.clean(names == null || names.isEmpty() ? null : names.get(0));
        agents.put(c, new Agent(c, ctx, user, (Principal) principal));
        log.debug("conn={} open from {}", c.id(), c.remoteAddress());
      }

      @Override
      public void onText(WireConnection c, String text) {
        Agent a = agents.get(c);
        if (a != null) {
          a.onText(text);
        }
      }

      @Override
      public void onClose(WireConnection c, int code, String reason) {
        Agent a = agents.remove(c);
        if (a != null) {
          a.onClose();
        }
        log.debug("conn={} closed {} {}", c.id(), code, reason);
      }
    };
    this.app = Javalin.create(cfg -> {
      cfg.jetty.host = config.host();
      cfg.jetty.port = config.port();
      cfg.startup.showJavalinBanner = false;
      guard.mount(cfg.routes);
      new JettyWire(metrics.queuedChars()).mount(cfg, "/ws", listener, guard::admit, config.maxFrameBytes(), config.maxQueuedBytes(),
          config.wsIdleTimeout());
      cfg.routes.get("/health/live", ctx2 -> ctx2.result("ok"));
      cfg.routes.get("/health/ready", ctx2 -> {
        boolean ready = !stopping && store.isHealthy();
        ctx2.status(ready ? 200 : 503).result(ready ? "ready" : "not ready");
      });
      cfg.routes.get("/metrics", ctx2 -> {
        ctx2.header("Cache-Control", "no-store");
        if (guard.admin(ctx2)) {
          ctx2.contentType(METRICS_CONTENT_TYPE).result(meterRegistry.scrape(METRICS_CONTENT_TYPE));
        }
      });
      DocumentsApi documentsApi = new DocumentsApi(library, permissions, permissions != null ? accountStore : null);
      documentsApi.mount(cfg.routes);
      new HistoryApi(documentsApi, historyReads, COLLECTION).mount(cfg.routes);
      // A change through the API must show in its author's next reads, even those a replica serves.
      cfg.routes.after("/api/*", ctx2 -> {
        if (!Guard.readOnly(ctx2) && ctx2.status().getCode() < 400) {
          reads.wrote(HistoryApi.reader(ctx2));
        }
      });
      if (permissions != null) {
        new SharingApi(documentsApi, permissions, accountStore).mount(cfg.routes);
        new OrganizationsApi(accountStore, permissions, clock).mount(cfg.routes);
        new CommentsApi(documentsApi, commentStore, accountStore, bus, clock).mount(cfg.routes);
      }
      new AuthApi(accounts, guard, config.sessionMaxAge()).mount(cfg.routes);
      new WebApp().mount(cfg.routes);
      cfg.routes.error(404, ctx2 -> {
        if (ctx2.path().startsWith("/api/")) {
          DocumentsApi.notFound(ctx2);
        }
      });
    });
  }

  private void onStorePool(Runnable work) {
    try {
      storePool.execute(work);
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      // the server is stopping: its sockets are being closed anyway
    }
  }

  /** Opens the embedded store in {@code config.dataDir()} and starts listening. */
  public static QuireServer start(QuireConfig config) {
    DocumentStore store;
    DocumentCatalog catalog;
    AccountStore accountStore;
    CommentStore commentStore;
    Function<ServerMetrics, ReadRouter> routing;
    if (config.databaseUrl() != null) {
      PostgresStore pg = PostgresStore.open(config.databaseUrl(), config.databasePartitions());
      store = pg;
      catalog = pg.catalog();
      accountStore = pg.accounts();
      commentStore = pg.comments();
      routing = metrics -> ReadRouter.open(pg, config.databaseReplicaUrls(), metrics);
    } else {
      SqliteStore sqlite = SqliteStore.open(config.dataDir());
      store = sqlite;
      catalog = sqlite.catalog();
      accountStore = sqlite.accounts();
      commentStore = sqlite.comments();
      routing = metrics -> ReadRouter.primaryOnly(sqlite, sqlite.catalog(), metrics);
    }
    Bus bus;
    try {
      bus = config.redisUrl() != null ? RedisBus.connect(config.redisUrl()) : new InProcessBus();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    QuireServer server;
    try {
      server = new QuireServer(config, store, catalog, accountStore, commentStore, bus, routing);
    } catch (RuntimeException e) {
      bus.close();
      store.close();
      throw e;
    }
    // Pub/sub loses what was published while Redis was away: read it from the store.
    bus.onReconnect(() -> {
      server.registry.catchUpAll();
      server.titleRegistry.catchUpAll();
    });
    long warm = Warmup.run();
    store.snapshotAtOrBefore(COLLECTION, "", 0); // prepares the store's read path too
    log.debug("warmed up the document code in {} ms", warm);
    server.app.start();
    long evictEvery = Math.max(1000, config.docIdleTimeout().toMillis() / 4);
    server.timers.scheduleWithFixedDelay(() -> {
      server.registry.evictIdle(config.docIdleTimeout().toMillis());
      server.titleRegistry.evictIdle(config.docIdleTimeout().toMillis());
    }, evictEvery, evictEvery, TimeUnit.MILLISECONDS);
    server.catalogSync.start(server.timers, server.storePool, config.catalogFlush());
    if (server.compactor != null) {
      server.compactor.start(config.compactionEvery());
      log.info("op retention {}: ops older than that are deleted every {}, keeping a snapshot every {} ops",
          config.opRetention(), config.compactionEvery(), config.snapshotInterval());
    }
    if (config.auth() == AuthMode.OPEN) {
      log.warn("*** auth=open: NO ACCOUNTS. Everyone who can reach this server can read, change and delete "
          + "every document. Use it only for tests and benchmarks, or behind your own access control. ***");
    } else {
      server.accounts.setupSecret().ifPresent(secret -> {
        String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "localhost" : config.host();
        String link = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port() + "/setup#" + secret;
        // The console, not only the log: this is how the first person gets in.
        server.setupLink = link;
        System.out.println("\nQuire has no administrator yet. Open this one-time link to create one:\n  " + link + "\n");
        log.info("no administrator yet: the one-time set-up link was printed on the console");
      });
    }
    log.info("Quire listening on http://{}:{} (web app /, WebSocket /ws), {}, {}", config.host(), server.port(),
        config.databaseUrl() != null ? "PostgreSQL store" : "data in " + config.dataDir().toAbsolutePath(),
        config.redisUrl() != null ? "Redis bus" : "in-process bus");
    return server;
  }

  /** The port actually listened on (useful with port 0). */
  public int port() {
    return app.port();
  }

  public int openDocuments() {
    return registry.openDocuments();
  }

  /** Writes the catalog updates waiting in memory now (tests use it instead of waiting for a flush). */
  public void flushCatalog() {
    catalogSync.flush();
  }

  /**
   * Stops gracefully: refuse new connections; close every socket with 1012 (service restart) so
   * clients reconnect, to this server once it is back or to another one, and resend what was not
   * acknowledged (idempotent by src/seq); let the commits in flight finish (up to the grace
   * period); snapshot open documents; close the store.
   */
  @Override
  public void close() {
    if (stopping) {
      return;
    }
    stopping = true;
    log.info("stopping: closing connections, finishing commits in flight");
    for (WireConnection c : agents.keySet()) {
      c.close(1012, "the server is restarting; reconnect");
    }
    try {
      if (!registry.awaitNoCommits(config.shutdownGrace()) | !titleRegistry.awaitNoCommits(config.shutdownGrace())) {
        log.warn("commits still in flight after {}; stopping anyway (unacknowledged ops are resent by clients)",
            config.shutdownGrace());
      }
      registry.snapshotAll();
      titleRegistry.snapshotAll();
      docPool.shutdown();
      docPool.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
      storePool.shutdown();
      storePool.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timers.shutdownNow();
    if (compactor != null) {
      compactor.close();
    }
    app.stop();
    bus.close();
    catalogSync.close();
    reads.close();
    store.close();
    meterRegistry.close();
    log.info("stopped");
  }

  /** Closes the WebSockets opened with a revoked session or token, or by a person whose sessions all ended. */
  private void closeRevoked(String sessionHash, String tokenHash, String userId) {
    for (Map.Entry<WireConnection, Agent> e : agents.entrySet()) {
      Principal p = e.getValue().principal();
      if (p != null && (sessionHash != null && sessionHash.equals(p.sessionHash())
          || tokenHash != null && tokenHash.equals(p.tokenHash())
          || userId != null && userId.equals(p.userId()))) {
        e.getKey().close(4401, "signed out");
      }
    }
  }

  /** The one-time link that creates the first administrator, as printed at start (if one was). */
  public java.util.Optional<String> setupLink() {
    return java.util.Optional.ofNullable(setupLink);
  }

  /** Accounts of this server (the command line's user and token commands use them too). */
  public Accounts accounts() {
    return accounts;
  }

  private static ThreadFactory threads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
