package dev.quire.server.store.postgres;

import static dev.quire.server.store.CommitResult.COMMITTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.store.CommitResult;
import dev.quire.server.store.StoredOp;
import dev.quire.server.store.StoredOp.Kind;
import dev.quire.server.store.StoredSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Partitioning by organization (the V8 migration) on this machine's PostgreSQL, each test in a
 * database of its own: rows land in their organization's partition, the store's queries touch one
 * partition, the count is fixed at install, and a database migrated with data keeps all of it.
 */
class PostgresPartitionsTest {
  private static final String DOCS = "docs";
  private static final String TITLES = "titles";
  private static final String RICH_TEXT = "http://sharejs.org/types/rich-text/v1";
  private static final Pattern PARTITION = Pattern.compile("\\b(?:ops|snapshots)_p\\d+\\b");

  private ThrowawayDatabase db;

  @BeforeEach
  void createDatabase() {
    db = ThrowawayDatabase.create();
  }

  @AfterEach
  void dropDatabase() throws SQLException {
    db.close();
  }

  // ---- helpers ----

  private static StoredOp op(String collection, String docId, long version) {
    return version == 0
        ? new StoredOp(collection, docId, 0, "src-" + docId, 0, Kind.CREATE, RICH_TEXT, "[{\"insert\":\"\\n\"}]", 1)
        : new StoredOp(collection, docId, version, "src-" + docId, version, Kind.EDIT, null,
            "[{\"insert\":\"" + version + "\"}]", 1 + version);
  }

  private static List<StoredOp> ops(String collection, String docId, long from, long to) {
    List<StoredOp> out = new ArrayList<>();
    for (long v = from; v < to; v++) {
      out.add(op(collection, docId, v));
    }
    return out;
  }

  /** An organization and one document in it, as the catalog would store them. */
  private void document(Connection c, String orgId, String docId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, 0) ON CONFLICT DO NOTHING")) {
      ps.setString(1, orgId);
      ps.setString(2, orgId);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO documents"
        + " (id, title, title_version, created_at, edited_at, org_id) VALUES (?, '', 1, 0, 0, ?)")) {
      ps.setString(1, docId);
      ps.setString(2, orgId);
      ps.executeUpdate();
    }
  }

  /** {doc id → the partitions holding its rows} of one table, from each row's tableoid. */
  private Map<String, Set<String>> partitionsByDocument(Connection c, String table) throws SQLException {
    Map<String, Set<String>> out = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT doc_id, tableoid::regclass::text FROM " + table)) {
      while (rs.next()) {
        out.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2));
      }
    }
    return out;
  }

  private static List<List<String>> rows(Connection c, String sql) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  // ---- the tests ----

  @Test
  void documentsOfManyOrganizationsLandInTheirOrganizationsPartition() throws Exception {
    int orgs = 40;
    try (PostgresStore store = PostgresStore.open(db.url(), 8);
        Connection c = db.connect()) {
      for (int i = 0; i < orgs; i++) {
        document(c, "org-" + i, "doc-" + i);
      }
      // Half alone (the single-document statement), half in one group commit call.
      List<List<StoredOp>> together = new ArrayList<>();
      for (int i = 0; i < orgs; i++) {
        if (i % 2 == 0) {
          assertEquals(COMMITTED, store.commit(DOCS, "doc-" + i, ops(DOCS, "doc-" + i, 0, 5)));
        } else {
          together.add(ops(DOCS, "doc-" + i, 0, 5));
        }
        store.writeSnapshot(new StoredSnapshot(DOCS, "doc-" + i, 5, RICH_TEXT, "[{\"insert\":\"x\\n\"}]", 6));
      }
      for (CompletableFuture<CommitResult> r : store.groupCommit().writeTogether(together.subList(0, 20))) {
        assertEquals(COMMITTED, r.get());
      }
      assertEquals(COMMITTED, store.commit(DOCS, "no-catalog-row", ops(DOCS, "no-catalog-row", 0, 3)));

      Map<String, Set<String>> opsAt = partitionsByDocument(c, "ops");
      Map<String, Set<String>> snapshotsAt = partitionsByDocument(c, "snapshots");
      Set<String> used = new TreeSet<>();
      for (int i = 0; i < orgs; i++) {
        Set<String> at = opsAt.get("doc-" + i);
        assertEquals(1, at.size(), "doc-" + i + " is in one partition: " + at);
        String partition = at.iterator().next();
        assertEquals(Set.of(partition.replace("ops_", "snapshots_")), snapshotsAt.get("doc-" + i),
            "its snapshots are in the partition of the same number");
        used.add(partition);
        assertEquals(5, store.ops(DOCS, "doc-" + i, 0, 5).size());
      }
      assertTrue(used.size() > 1, "40 organizations spread over the partitions: " + used);
      assertEquals(List.of(List.of("doc-3", "org-3")),
          rows(c, "SELECT DISTINCT doc_id, org_id FROM ops WHERE doc_id = 'doc-3'"));
      assertEquals(List.of(List.of("default")),
          rows(c, "SELECT DISTINCT org_id FROM ops WHERE doc_id = 'no-catalog-row'"));
    }
  }

  /** The store's read statements, bound for one document, with what follows the document key. */
  private static final Map<String, Object[]> READS = Map.of(
      PostgresRows.HEAD, new Object[] {},
      PostgresRows.OPS_IN_RANGE, new Object[] {0L, 100L},
      PostgresRows.OP_BY_SOURCE, new Object[] {"src-doc-3", 2L},
      PostgresRows.LAST_OP_AT_OR_BEFORE, new Object[] {3L},
      PostgresRows.SNAPSHOT_AT_OR_BEFORE, new Object[] {4L},
      PostgresRows.RETENTION.reads().get(0), new Object[] {},
      PostgresRows.RETENTION.reads().get(1), new Object[] {4L});

  @Test
  void theStoresQueriesScanOnePartitionWithCustomAndGenericPlans() throws Exception {
    try (PostgresStore store = PostgresStore.open(db.url(), 8);
        Connection c = db.connect()) {
      for (int i = 0; i < 16; i++) {
        document(c, "org-" + i, "doc-" + i);
        assertEquals(COMMITTED, store.commit(DOCS, "doc-" + i, ops(DOCS, "doc-" + i, 0, 5)));
        store.writeSnapshot(new StoredSnapshot(DOCS, "doc-" + i, 3, RICH_TEXT, "[{\"insert\":\"x\\n\"}]", 4));
      }
      String home = partitionsByDocument(c, "ops").get("doc-3").iterator().next().replace("ops_", "");
      // Custom plans prune while planning; generic ones (what a statement prepared many times,
      // and PL/pgSQL's quire_commit_many, run with) prune when the executor starts.
      for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
        try (Statement s = c.createStatement()) {
          s.execute("SET plan_cache_mode = " + mode);
        }
        for (Map.Entry<String, Object[]> read : READS.entrySet()) {
          String plan = explain(c, read.getKey(), read.getValue());
          Set<String> scanned = new TreeSet<>();
          Matcher m = PARTITION.matcher(plan);
          while (m.find()) {
            scanned.add(m.group().replaceFirst("^(ops|snapshots)_", ""));
          }
          assertEquals(Set.of(home), scanned, mode + ": " + read.getKey() + "\n" + plan);
        }
      }
    }
  }

  private static String explain(Connection c, String sql, Object[] extra) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      PostgresRows.bindDoc(ps, "org-3", DOCS, "doc-3");
      for (int i = 0; i < extra.length; i++) {
        ps.setObject(PostgresRows.AFTER_DOC + i, extra[i]);
      }
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      return plan.toString();
    }
  }

  @Test
  void thePartitionCountIsSetAtInstallAndLaterSettingsChangeNothing() throws Exception {
    try (PostgresStore store = PostgresStore.open(db.url(), 4)) {
      assertEquals(4, store.installedPartitions());
    }
    try (PostgresStore store = PostgresStore.open(db.url(), 8); // a warning, not a failure
        Connection c = db.connect()) {
      assertEquals(4, store.installedPartitions());
      assertEquals(List.of(List.of("4")),
          rows(c, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'snapshots'::regclass"));
    }
  }

  @Test
  void migratingAVersion6DatabaseWithDataKeepsEveryOpAndSnapshot() throws Exception {
    Flyway.configure(PostgresStore.class.getClassLoader()).dataSource(db.jdbcUrl(), null, null)
        .locations(PostgresStore.MIGRATIONS).target("6").load().migrate();
    String opRows = "SELECT collection, doc_id, version, src, seq, kind, type, body, ts FROM ops"
        + " ORDER BY collection, doc_id, version";
    String snapshotRows = "SELECT collection, doc_id, version, type, data, ts FROM snapshots"
        + " ORDER BY collection, doc_id, version";
    List<List<String>> opsBefore;
    List<List<String>> snapshotsBefore;
    try (Connection c = db.connect()) {
      document(c, "acme", "a");
      document(c, "zeta", "z");
      try (PreparedStatement op = c.prepareStatement("INSERT INTO ops"
              + " (collection, doc_id, version, src, seq, kind, type, body, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
          PreparedStatement snap = c.prepareStatement("INSERT INTO snapshots"
              + " (collection, doc_id, version, type, data, ts) VALUES (?, ?, ?, ?, ?, ?)")) {
        for (String[] doc : new String[][] {{DOCS, "a"}, {TITLES, "a"}, {DOCS, "z"}, {DOCS, "loose"}}) {
          for (StoredOp o : ops(doc[0], doc[1], 0, 20)) {
            op.setString(1, o.collection());
            op.setString(2, o.docId());
            op.setLong(3, o.version());
            op.setString(4, o.src());
            op.setLong(5, o.seq());
            op.setString(6, o.kind() == Kind.CREATE ? "create" : "edit");
            op.setString(7, o.type());
            op.setString(8, o.body());
            op.setLong(9, o.timestamp());
            op.addBatch();
          }
          for (long v : new long[] {10, 20}) {
            snap.setString(1, doc[0]);
            snap.setString(2, doc[1]);
            snap.setLong(3, v);
            snap.setString(4, RICH_TEXT);
            snap.setString(5, "[{\"insert\":\"" + doc[1] + v + "\\n\"}]");
            snap.setLong(6, v);
            snap.addBatch();
          }
        }
        op.executeBatch();
        snap.executeBatch();
      }
      opsBefore = rows(c, opRows);
      snapshotsBefore = rows(c, snapshotRows);
    }
    assertEquals(80, opsBefore.size());

    try (PostgresStore store = PostgresStore.open(db.url(), 4);
        Connection c = db.connect()) {
      assertEquals(opsBefore, rows(c, opRows));
      assertEquals(snapshotsBefore, rows(c, snapshotRows));
      assertEquals(List.of(List.of("a", "acme"), List.of("loose", "default"), List.of("z", "zeta")),
          rows(c, "SELECT DISTINCT doc_id, org_id FROM ops ORDER BY doc_id"));
      assertEquals(rows(c, "SELECT DISTINCT doc_id, org_id FROM ops ORDER BY doc_id"),
          rows(c, "SELECT DISTINCT doc_id, org_id FROM snapshots ORDER BY doc_id"));
      // The store reads and writes the migrated documents, alone and in a group commit.
      assertEquals(ops(TITLES, "a", 0, 20), store.ops(TITLES, "a", 0, 20));
      assertEquals(20, store.snapshotAtOrBefore(DOCS, "z", 25).orElseThrow().version());
      assertEquals(CommitResult.CONFLICT, store.commit(DOCS, "a", ops(DOCS, "a", 19, 20)), "the fence holds");
      List<CompletableFuture<CommitResult>> group = store.groupCommit()
          .writeTogether(List.of(ops(DOCS, "a", 20, 22), ops(DOCS, "z", 20, 22), ops(DOCS, "loose", 20, 22)));
      for (CompletableFuture<CommitResult> r : group) {
        assertEquals(COMMITTED, r.get());
      }
      assertEquals(22, store.headVersion(DOCS, "loose"));
    }
  }
}
