package dev.quire.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultsGiveAWorkingEmbeddedServer() throws Exception {
    QuireConfig c = ConfigLoader.load(null, Map.of(), Map.of());
    assertEquals("127.0.0.1", c.host());
    assertEquals(8080, c.port());
    assertEquals(Path.of("./quire-data"), c.dataDir());
    assertEquals(Duration.ofMinutes(1), c.docIdleTimeout());
  }

  @Test
  void eachLayerOverridesTheOneBefore() throws Exception {
    Path file = dir.resolve("quire.properties");
    Files.writeString(file, "port=9000\nsnapshot-every=7\nmax-batch=3\n");
    QuireConfig c = ConfigLoader.load(file, Map.of("QUIRE_PORT", "9001", "QUIRE_MAX_BATCH", "4"), Map.of("port", "9002"));
    assertEquals(9002, c.port(), "a flag beats the environment and the file");
    assertEquals(4, c.maxBatch(), "the environment beats the file");
    assertEquals(7, c.snapshotEvery(), "the file beats the default");
  }

  @Test
  void aBadValueNamesTheSettingWhereItCameFromAndWhatWouldWork() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("QUIRE_PORT", "eighty"), Map.of()));
    assertTrue(e.getMessage().contains("invalid port \"eighty\""), e.getMessage());
    assertTrue(e.getMessage().contains("QUIRE_PORT"), e.getMessage());
    assertTrue(e.getMessage().contains("between 0 and 65535"), e.getMessage());
  }

  @Test
  void aBadDurationSaysWhatADurationLooksLike() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of(), Map.of("doc-idle-timeout", "5 minutes")));
    assertTrue(e.getMessage().contains("PT30S"), e.getMessage());
    assertTrue(e.getMessage().contains("--doc-idle-timeout"), e.getMessage());
  }

  @Test
  void anUnknownKeyInTheFileIsRefused() throws Exception {
    Path file = dir.resolve("quire.properties");
    Files.writeString(file, "prot=9000\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));
    assertTrue(e.getMessage().contains("unknown setting \"prot\""), e.getMessage());
  }

  @Test
  void theCatalogFlushPeriodIsBounded() throws Exception {
    assertEquals(Duration.ofSeconds(2), ConfigLoader.load(null, Map.of(), Map.of()).catalogFlush());
    assertEquals(Duration.ofMillis(200), ConfigLoader.load(null, Map.of(), Map.of("catalog-flush", "PT0.2S")).catalogFlush());
    for (String bad : new String[] {"PT0.01S", "PT2M", "soon"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> ConfigLoader.load(null, Map.of(), Map.of("catalog-flush", bad)));
      assertTrue(e.getMessage().contains("invalid catalog-flush"), e.getMessage());
    }
  }

  @Test
  void byDefaultEveryOpIsKeptAndTheDatabaseHas16Partitions() throws Exception {
    QuireConfig c = ConfigLoader.load(null, Map.of(), Map.of());
    assertNull(c.opRetention(), "no retention: the compactor does not run");
    assertEquals(16, c.databasePartitions());
    assertEquals(1000, c.snapshotInterval());
    assertEquals(Duration.ofHours(1), c.compactionEvery());
  }

  @Test
  void retentionAndPartitionSettingsAreReadAndChecked() throws Exception {
    QuireConfig c = ConfigLoader.load(null, Map.of("QUIRE_OP_RETENTION", "P90D"),
        Map.of("database-partitions", "64", "snapshot-interval", "500", "compaction-every", "PT10M"));
    assertEquals(Duration.ofDays(90), c.opRetention());
    assertEquals(64, c.databasePartitions());
    assertEquals(500, c.snapshotInterval());
    assertEquals(Duration.ofMinutes(10), c.compactionEvery());
    Map<String, String> bad = Map.of("database-partitions", "0", "op-retention", "90 days", "snapshot-interval", "0",
        "compaction-every", "PT0.1S");
    for (Map.Entry<String, String> b : bad.entrySet()) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> ConfigLoader.load(null, Map.of(), Map.of(b.getKey(), b.getValue())));
      assertTrue(e.getMessage().contains("invalid " + b.getKey()), e.getMessage());
    }
    assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(), Map.of("database-partitions", "1025")));
  }

  @Test
  void anOpCannotBeLargerThanTheFrameThatCarriesIt() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of(), Map.of("max-op-bytes", "2000", "max-frame-bytes", "1000")));
    assertTrue(e.getMessage().contains("max-op-bytes (2000) cannot exceed max-frame-bytes (1000)"), e.getMessage());
  }

  @Test
  void everySettingHasAFlagInServeHelp() {
    String help = new picocli.CommandLine(new dev.quire.cli.Main()).getSubcommands().get("serve").getUsageMessage();
    for (ConfigLoader.Setting s : ConfigLoader.SETTINGS) {
      assertTrue(help.contains("--" + s.name()), "quire serve --help documents --" + s.name());
    }
  }

  @Test
  void readReplicasAreAListFromTheEnvironmentOrTheRepeatedFlag() throws Exception {
    String primary = "postgresql://postgres@db1:5432/quire";
    QuireConfig none = ConfigLoader.load(null, Map.of(), Map.of("database-url", primary));
    assertEquals(java.util.List.of(), none.databaseReplicaUrls());
    QuireConfig env = ConfigLoader.load(null, Map.of("QUIRE_DATABASE_URL", primary,
        "QUIRE_DATABASE_REPLICA_URLS", "postgresql://postgres@db2/quire, postgresql://postgres@db3/quire"), Map.of());
    assertEquals(java.util.List.of("postgresql://postgres@db2/quire", "postgresql://postgres@db3/quire"),
        env.databaseReplicaUrls());
  }

  @Test
  void readReplicasNeedThePostgresStore() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of(), Map.of("database-replica-urls", "postgresql://postgres@db2/quire")));
    assertTrue(e.getMessage().contains("set database-url"), e.getMessage());
  }

  @Test
  void aBadReplicaUrlIsRefusedWithoutShowingItsPassword() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(),
        Map.of("database-url", "postgresql://postgres@db1/quire", "database-replica-urls", "postgresql://u:s3cret@db2")));
    assertTrue(e.getMessage().contains("invalid database-replica-urls"), e.getMessage());
    assertTrue(e.getMessage().contains("names no database"), e.getMessage());
    assertTrue(!e.getMessage().contains("s3cret"), e.getMessage());
  }

  @Test
  void aReplicaThatIsThePrimaryOrListedTwiceIsRefused() {
    String primary = "postgresql://postgres@db1:5432/quire";
    ConfigException self = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(),
        Map.of("database-url", primary, "database-replica-urls", "postgresql://postgres@db1/quire")));
    assertTrue(self.getMessage().contains("cannot be the primary"), self.getMessage());
    ConfigException twice = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(),
        Map.of("database-url", primary, "database-replica-urls", "postgresql://postgres@db2/quire,postgresql://postgres@db2:5432/quire")));
    assertTrue(twice.getMessage().contains("listed twice"), twice.getMessage());
  }
}
