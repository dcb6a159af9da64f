package dev.quire.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.auth.AccountStore;
import dev.quire.server.auth.AccountStore.User;
import dev.quire.server.comments.CommentStore;
import dev.quire.server.comments.CommentStore.Comment;
import dev.quire.server.comments.CommentStore.Thread;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CommentStore} must do; the SQLite and PostgreSQL tests extend this class and
 * say how to open an empty store.
 */
public abstract class CommentStoreContract {
  protected DocumentStore store;
  protected CommentStore comments;

  protected abstract DocumentStore newStore() throws Exception;

  protected abstract AccountStore accountsOf(DocumentStore store);

  protected abstract CommentStore commentsOf(DocumentStore store);

  @BeforeEach
  void open() throws Exception {
    store = newStore();
    comments = commentsOf(store);
    AccountStore accounts = accountsOf(store);
    accounts.addUser(new User("u1", "ann", null, "h", false, 1));
    accounts.addUser(new User("u2", "bob", null, "h", false, 1));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Thread thread(String id, String doc, long at) {
    return new Thread(id, doc, "quoted " + id, "u1", at, null, null, List.of());
  }

  private static Comment comment(String id, String thread, String author, long at) {
    return new Comment(id, thread, author, "text of " + id, at, null);
  }

  @Test
  void threadsAreListedOldestFirstWithTheirCommentsInOrder() {
    assertTrue(comments.addThread(thread("t2", "d1", 20), comment("c2", "t2", "u1", 20)));
    assertTrue(comments.addThread(thread("t1", "d1", 10), comment("c1", "t1", "u1", 10)));
    assertTrue(comments.addThread(thread("t3", "d2", 5), comment("c3", "t3", "u2", 5)));
    assertTrue(comments.addComment("d1", comment("c5", "t1", "u2", 30)));
    assertTrue(comments.addComment("d1", comment("c4", "t1", "u1", 25)));
    List<Thread> list = comments.threadsOf("d1");
    assertEquals(List.of("t1", "t2"), list.stream().map(Thread::id).toList());
    assertEquals(List.of("c1", "c4", "c5"), list.get(0).comments().stream().map(Comment::id).toList());
    assertEquals("quoted t1", list.get(0).quote());
    assertEquals(comment("c5", "t1", "u2", 30), list.get(0).comments().get(2));
    assertEquals(List.of("t3"), comments.threadsOf("d2").stream().map(Thread::id).toList());
    assertTrue(comments.threadsOf("d3").isEmpty());
    assertFalse(comments.addThread(thread("t1", "d9", 1), comment("c9", "t1", "u1", 1)), "a taken id");
    assertTrue(comments.thread("d9", "t1").isEmpty());
    assertTrue(comments.threadsOf("d9").isEmpty(), "nothing of the refused thread was stored");
  }

  @Test
  void aThreadOfAnotherDocumentIsOutOfReach() {
    comments.addThread(thread("t1", "d1", 10), comment("c1", "t1", "u1", 10));
    assertTrue(comments.thread("d2", "t1").isEmpty());
    assertFalse(comments.addComment("d2", comment("c2", "t1", "u2", 11)));
    assertFalse(comments.editComment("d2", "t1", "c1", "changed", 12));
    assertFalse(comments.removeComment("d2", "t1", "c1"));
    assertFalse(comments.setResolved("d2", "t1", "u2", 13L));
    assertFalse(comments.removeThread("d2", "t1"));
    Thread t = comments.thread("d1", "t1").orElseThrow();
    assertEquals(List.of(comment("c1", "t1", "u1", 10)), t.comments());
    assertFalse(t.resolved());
  }

  @Test
  void commentsAreEditedAndRemovedAndThreadsResolvedReopenedAndRemoved() {
    comments.addThread(thread("t1", "d1", 10), comment("c1", "t1", "u1", 10));
    comments.addComment("d1", comment("c2", "t1", "u2", 11));
    assertTrue(comments.editComment("d1", "t1", "c1", "better words", 12));
    Comment edited = comments.thread("d1", "t1").orElseThrow().comments().get(0);
    assertEquals("better words", edited.body());
    assertEquals(12L, edited.editedAt());
    assertTrue(comments.setResolved("d1", "t1", "u2", 13L));
    Thread resolved = comments.thread("d1", "t1").orElseThrow();
    assertEquals(13L, resolved.resolvedAt());
    assertEquals("u2", resolved.resolvedBy());
    assertTrue(comments.setResolved("d1", "t1", null, null));
    assertNull(comments.thread("d1", "t1").orElseThrow().resolvedAt());
    assertTrue(comments.removeComment("d1", "t1", "c2"));
    assertFalse(comments.removeComment("d1", "t1", "c2"));
    assertEquals(1, comments.thread("d1", "t1").orElseThrow().comments().size());
    assertTrue(comments.removeThread("d1", "t1"));
    assertFalse(comments.removeThread("d1", "t1"));
    assertTrue(comments.threadsOf("d1").isEmpty());
  }
}
