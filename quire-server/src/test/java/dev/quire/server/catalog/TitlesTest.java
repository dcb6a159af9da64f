package dev.quire.server.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.quire.ot.Delta;
import org.junit.jupiter.api.Test;

class TitlesTest {
  @Test
  void aRenameIsTheSmallestReplacement() {
    assertEquals(new Delta().retain(6).insert("s"), Titles.change("Report", "Reports"));
    assertEquals(new Delta().retain(1).delete(1).insert("2"), Titles.change("Q1 plan", "Q2 plan"));
    assertEquals(new Delta().delete(3), Titles.change("abc", ""));
    assertEquals(0, Titles.change("same", "same").size());
  }

  @Test
  void aRenameNeverSplitsASurrogatePair() {
    assertEquals(new Delta().retain(1).delete(2).insert("😃"), Titles.change("a😀", "a😃"));
  }

  @Test
  void theTextOfASnapshotJoinsItsInserts() {
    assertEquals("Hi there", Titles.textOf("{\"v\":3,\"data\":{\"ops\":[{\"insert\":\"Hi \"},{\"insert\":\"there\",\"attributes\":{\"bold\":true}}]},\"type\":\"x\"}"));
    assertEquals("", Titles.textOf("{\"v\":0,\"type\":null}"));
  }

  @Test
  void theCatalogCopyHasNoLineBreaksAndIsCutAtTheLimitBetweenCharacters() {
    assertEquals("a b c", Titles.forCatalog("a\nb\r\nc"));
    String cut = Titles.forCatalog("x".repeat(199) + "😀");
    assertEquals(199, cut.length());
  }

  @Test
  void restTitlesRefuseControlCharactersLoneSurrogatesAndLengthOverTheLimit() {
    assertNull(Titles.problem("Fine — ünïcode 😀"));
    assertNotNull(Titles.problem("tab\there"));
    assertNotNull(Titles.problem("\ud800"));
    assertNotNull(Titles.problem("y".repeat(201)));
  }
}
