package dev.quire.server.catalog;

import dev.quire.ot.Delta;
import dev.quire.server.catalog.LibraryException.Problem;
import dev.quire.server.collab.DocumentRegistry;
import dev.quire.server.collab.DocumentSequencer;
import dev.quire.server.collab.History;
import dev.quire.server.collab.Submission;
import dev.quire.server.collab.Subscriber;
import dev.quire.server.store.DocumentCatalog;
import dev.quire.server.store.DocumentCatalog.Entry;
import dev.quire.server.store.StoreException;
import dev.quire.server.store.StoredOp.Kind;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The documents as the home page sees them: listing, creating, renaming, deleting and restoring.
 * Everything that changes a document goes through its sequencer as an op submitted by the server
 * (create, the title edit, {@code del}), exactly like a client's, so people who have the document
 * open see it at once and concurrent changes are transformed, never overwritten. The catalog then
 * records the outcome. Methods block (up to {@link #WAIT}); call them from request threads.
 */
public final class Library {
  public static final String DOCS = "docs";
  public static final String TITLES = "titles";
  static final Duration WAIT = Duration.ofSeconds(15);
  private static final char[] ID_CHARS = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

  private final DocumentCatalog catalog;
  private final DocumentRegistry docs;
  private final DocumentRegistry titles;
  private final History history;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  /** The server's own op source: unique per server start, so its (src, seq) never meet another's. */
  private final Subscriber server;
  private final AtomicLong seq = new AtomicLong();
  private volatile CatalogSync sync;

  public Library(DocumentCatalog catalog, DocumentRegistry docs, DocumentRegistry titles, History history,
      Clock clock, String serverId) {
    this.catalog = catalog;
    this.docs = docs;
    this.titles = titles;
    this.history = history;
    this.clock = clock;
    String src = "quire-server-" + serverId;
    this.server = new Subscriber() {
      @Override
      public String src() {
        return src;
      }

      @Override
      public void send(String message) {} // catch-up ops: the server reads documents directly
    };
  }

  /** Why {@code title} cannot be a document's title, or null if it can. */
  public static String titleProblem(String title) {
    return Titles.problem(title);
  }

  /** Tells {@code sync} of every commit to a title document, so the catalog's copy follows it. */
  public void syncTitles(CatalogSync sync) {
    this.sync = sync;
    titles.onCommit((docId, doc) -> {
      if (doc.type() != null) {
        sync.titleCommitted(docId, Titles.textOf(doc.snapshotJson()), doc.version());
      }
    });
  }

  /** The documents, after writing this server's waiting catalog updates (so a list shows the newest titles). */
  public List<Entry> list(DocumentCatalog.Query query) {
    CatalogSync s = sync;
    if (s != null) {
      s.flush();
    }
    return guard(() -> catalog.list(query));
  }

  public Optional<Entry> get(String id) {
    return guard(() -> catalog.get(id));
  }

  /**
   * Creates an empty document titled {@code title} in organization {@code orgId}, made by {@code
   * by} (may be null). The catalog row, with its organization, is written before the document's
   * first op, so every op of a document is committed when its organization is known (the data
   * tier may route them by it).
   */
  public Entry create(String title, String by, String orgId) {
    String id = newId();
    long now = clock.millis();
    Entry e = new Entry(id, title, 1, now, by, now, by, null, orgId, null);
    if (!guard(() -> catalog.add(e))) {
      throw new IllegalStateException("document id " + id + " was taken"); // 2^60 ids: a broken random source
    }
    await(submit(docs, id, Kind.CREATE, null, new Delta().insert("\n")));
    await(submit(titles, id, Kind.CREATE, null, title.isEmpty() ? new Delta() : new Delta().insert(title)));
    return e;
  }

  /** Replaces the title of live document {@code id}; people in the document see it change. */
  public Entry rename(String id, String title, String by) {
    live(id);
    CompletableFuture<Long> acked = onDocument(titles, id, doc -> {
      if (doc.type() == null) {
        return CompletableFuture.failedFuture(new LibraryException(Problem.NOT_FOUND, "document " + id + " has no title"));
      }
      Delta change = Titles.change(Titles.textOf(doc.snapshotJson()), title);
      if (change.size() == 0) {
        return CompletableFuture.completedFuture(doc.version() - 1);
      }
      CompletableFuture<Long> f = new CompletableFuture<>();
      doc.submit(new Submission(server, server.src(), seq.incrementAndGet(), doc.version(), Kind.EDIT, change, reply(f)));
      return f;
    });
    long version = await(acked);
    guard(() -> catalog.setTitle(id, Titles.forCatalog(title), version + 1));
    guard(() -> catalog.recordEdit(id, clock.millis(), by));
    return entry(id);
  }

  /**
   * Moves live document {@code id} to the trash: it leaves the list and the protocol refuses its
   * ops (it is deleted with a {@code del} op, which everyone in it receives). {@link #restore} undoes it.
   */
  public Entry delete(String id) {
    live(id);
    if (!guard(() -> catalog.markDeleted(id, clock.millis()))) {
      throw new LibraryException(Problem.DELETED, "document " + id + " is already in the trash");
    }
    try {
      await(submit(docs, id, Kind.DELETE, null, null));
    } catch (LibraryException e) {
      if (e.problem() != Problem.REFUSED) { // refused: already deleted through the protocol
        guard(() -> catalog.restore(id));
        throw e;
      }
    }
    return entry(id);
  }

  /** Takes document {@code id} out of the trash, with the contents it had when it was deleted. */
  public Entry restore(String id) {
    Entry e = entry(id);
    if (!e.deleted()) {
      throw new LibraryException(Problem.NOT_DELETED, "document " + id + " is not in the trash");
    }
    long[] head = await(onDocument(docs, id,
        doc -> CompletableFuture.completedFuture(new long[] {doc.version(), doc.type() == null ? 0 : 1})));
    if (head[1] == 0 && head[0] > 0) {
      // The op before head is the del; the state before it is what people had.
      History.State before = guard(() -> history.at(DOCS, id, head[0] - 1));
      Delta data = before.data() == null ? new Delta().insert("\n") : before.data();
      try {
        await(submit(docs, id, Kind.CREATE, head[0], data));
      } catch (LibraryException ex) {
        if (ex.problem() != Problem.REFUSED) { // refused: someone re-created it meanwhile
          throw ex;
        }
      }
    }
    guard(() -> catalog.restore(id));
    return entry(id);
  }

  private Entry entry(String id) {
    return get(id).orElseThrow(() -> new LibraryException(Problem.NOT_FOUND, "no document " + id));
  }

  private void live(String id) {
    if (entry(id).deleted()) {
      throw new LibraryException(Problem.DELETED, "document " + id + " is in the trash; restore it first");
    }
  }

  private String newId() {
    char[] id = new char[12]; // 32^12 = 2^60 ids
    for (int i = 0; i < id.length; i++) {
      id[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
    }
    return new String(id);
  }

  /** Submits an op as the server; completes with its version, or fails with a {@link LibraryException}. */
  private CompletableFuture<Long> submit(DocumentRegistry registry, String id, Kind kind, Long version, Delta op) {
    return onDocument(registry, id, doc -> {
      CompletableFuture<Long> f = new CompletableFuture<>();
      doc.submit(new Submission(server, server.src(), seq.incrementAndGet(), version, kind, op, reply(f)));
      return f;
    });
  }

  private static Submission.Reply reply(CompletableFuture<Long> f) {
    return new Submission.Reply() {
      @Override
      public void acked(long version) {
        f.complete(version);
      }

      @Override
      public void rejected(String code, String message) {
        f.completeExceptionally(new LibraryException(Problem.REFUSED, code + ": " + message));
      }

      @Override
      public void unavailable() {
        f.completeExceptionally(new LibraryException(Problem.UNAVAILABLE, "the document store is unavailable"));
      }
    };
  }

  /** Runs {@code work} on the document's actor. */
  private static <T> CompletableFuture<T> onDocument(DocumentRegistry registry, String id,
      Function<DocumentSequencer, CompletableFuture<T>> work) {
    CompletableFuture<T> out = new CompletableFuture<>();
    registry.run(id, new DocumentRegistry.DocTask() {
      @Override
      public void run(DocumentSequencer doc) {
        try {
          work.apply(doc).whenComplete((v, e) -> {
            if (e != null) {
              out.completeExceptionally(e);
            } else {
              out.complete(v);
            }
          });
        } catch (RuntimeException e) {
          out.completeExceptionally(e);
        }
      }

      @Override
      public void unavailable(RuntimeException e) {
        out.completeExceptionally(new LibraryException(Problem.UNAVAILABLE, "the document store is unavailable"));
      }
    });
    return out;
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new LibraryException(Problem.UNAVAILABLE, "the document did not answer within " + WAIT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LibraryException(Problem.UNAVAILABLE, "interrupted");
    }
  }

  /** A catalog call whose store failure becomes {@link Problem#UNAVAILABLE}. */
  private static <T> T guard(java.util.function.Supplier<T> work) {
    try {
      return work.get();
    } catch (StoreException e) {
      throw new LibraryException(Problem.UNAVAILABLE, "the document store is unavailable: " + e.getMessage());
    }
  }
}
