package dev.quire.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.store.DocumentCatalog.Entry;
import dev.quire.server.store.DocumentCatalog.Query;
import dev.quire.server.store.DocumentCatalog.Sort;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DocumentCatalog} must do; the SQLite and PostgreSQL catalogs' tests extend
 * this class and say how to get an empty one (and the store that owns it, which the test closes).
 */
public abstract class DocumentCatalogContract {
  protected DocumentStore store;
  protected DocumentCatalog catalog;

  /** A new store with an empty catalog. */
  protected abstract DocumentStore newStore() throws Exception;

  protected abstract DocumentCatalog catalogOf(DocumentStore store);

  /** Runs one SQL statement on the store's database, outside the catalog (what a stray script could do). */
  protected abstract void execute(String sql) throws java.sql.SQLException;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
    catalog = catalogOf(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Entry doc(String id, String title, long editedAt) {
    return new Entry(id, title, 1, 1000, "Ann", editedAt, "Ann", null);
  }

  private static Query live(Sort sort) {
    return new Query(null, sort, false, 100);
  }

  private List<String> ids(Query q) {
    return catalog.list(q).stream().map(Entry::id).toList();
  }

  @Test
  void anAddedDocumentReadsBackAsWritten() {
    Entry e = new Entry("a1", "Plans for 2027 — ünïcode ✓", 3, 1000, "Ann", 2000, null, null);
    assertTrue(catalog.add(e));
    assertEquals(e, catalog.get("a1").orElseThrow());
    assertTrue(catalog.get("nope").isEmpty());
  }

  @Test
  void aDocumentBelongsToTheOrganizationItWasAddedTo() {
    assertTrue(catalog.add(doc("a", "one", 1)));
    assertEquals(Optional.of(DocumentCatalog.DEFAULT_ORG), catalog.organizationOf("a"));
    assertEquals(DocumentCatalog.DEFAULT_ORG, catalog.get("a").orElseThrow().orgId());
    assertEquals(null, catalog.get("a").orElseThrow().generalAccess(), "no general access unless given");
    assertEquals(Optional.empty(), catalog.organizationOf("unknown"));
    assertEquals(List.of("a"), ids(new Query(null, Sort.RECENT, false, 100, null, DocumentCatalog.DEFAULT_ORG)));
    assertEquals(List.of(), ids(new Query(null, Sort.RECENT, false, 100, null, "elsewhere")));
  }

  @Test
  void theDatabaseRefusesToMoveADocumentToAnotherOrganization() throws Exception {
    assertTrue(catalog.add(doc("a", "one", 1)));
    execute("INSERT INTO organizations (id, name, created_at) VALUES ('elsewhere', 'Elsewhere', 1)");
    org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
        () -> execute("UPDATE documents SET org_id = 'elsewhere' WHERE id = 'a'"));
    assertEquals(Optional.of(DocumentCatalog.DEFAULT_ORG), catalog.organizationOf("a"));
    execute("UPDATE documents SET org_id = 'default', title = 'same organization' WHERE id = 'a'");
    assertEquals("same organization", catalog.get("a").orElseThrow().title());
  }

  @Test
  void aTakenIdIsNotAddedAgainAndNothingChanges() {
    assertTrue(catalog.add(doc("a", "first", 1)));
    assertFalse(catalog.add(doc("a", "second", 2)));
    assertEquals("first", catalog.get("a").orElseThrow().title());
  }

  @Test
  void recentListsTheLastEditedFirstAndNameListsByTitleIgnoringCase() {
    catalog.add(doc("x", "gamma", 30));
    catalog.add(doc("y", "Beta", 10));
    catalog.add(doc("z", "alpha", 20));
    assertEquals(List.of("x", "z", "y"), ids(live(Sort.RECENT)));
    assertEquals(List.of("z", "y", "x"), ids(live(Sort.NAME)));
    assertEquals(List.of("x", "z"), ids(new Query(null, Sort.RECENT, false, 2)));
  }

  @Test
  void searchMatchesPartOfTheTitleIgnoringCaseAndTakesWildcardsLiterally() {
    catalog.add(doc("a", "Quarterly Report", 1));
    catalog.add(doc("b", "report_final 100%", 2));
    catalog.add(doc("c", "Notes", 3));
    catalog.add(doc("d", "reportXfinal 1000", 4));
    assertEquals(List.of("a", "b", "d"), ids(new Query("REPORT", Sort.NAME, false, 100)));
    assertEquals(List.of("b"), ids(new Query("t_f", Sort.NAME, false, 100)));
    assertEquals(List.of("b"), ids(new Query("100%", Sort.NAME, false, 100)));
    assertEquals(List.of(), ids(new Query("!", Sort.NAME, false, 100)));
  }

  @Test
  void aNewerTitleReplacesAnOlderOneButNeverTheOtherWayRound() {
    catalog.add(doc("a", "one", 1));
    assertTrue(catalog.setTitle("a", "three", 3));
    assertFalse(catalog.setTitle("a", "two", 2));
    assertFalse(catalog.setTitle("a", "three again", 3));
    Entry e = catalog.get("a").orElseThrow();
    assertEquals("three", e.title());
    assertEquals(3, e.titleVersion());
    assertFalse(catalog.setTitle("unknown", "x", 9));
  }

  @Test
  void theLatestEditWinsWhateverOrderTheyAreRecordedIn() {
    catalog.add(doc("a", "t", 100));
    assertTrue(catalog.recordEdit("a", 300, "Bob"));
    assertFalse(catalog.recordEdit("a", 200, "Cy"));
    Entry e = catalog.get("a").orElseThrow();
    assertEquals(300, e.editedAt());
    assertEquals("Bob", e.editedBy());
    assertTrue(catalog.recordEdit("a", 400, null));
    assertEquals(null, catalog.get("a").orElseThrow().editedBy());
  }

  @Test
  void aDeletedDocumentLeavesTheListForTheTrashAndComesBackWhenRestored() {
    catalog.add(doc("a", "keep", 1));
    catalog.add(doc("b", "bin", 2));
    assertTrue(catalog.markDeleted("b", 50));
    assertFalse(catalog.markDeleted("b", 60));
    assertEquals(50L, catalog.get("b").orElseThrow().deletedAt());
    assertEquals(List.of("a"), ids(live(Sort.RECENT)));
    assertEquals(List.of("b"), ids(new Query(null, Sort.RECENT, true, 100)));
    assertTrue(catalog.restore("b"));
    assertFalse(catalog.restore("b"));
    assertFalse(catalog.get("b").orElseThrow().deleted());
    assertEquals(List.of("b", "a"), ids(live(Sort.RECENT)));
    assertFalse(catalog.markDeleted("unknown", 1));
  }
}
