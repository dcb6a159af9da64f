package dev.quire.server.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DisplayNamesTest {
  @Test
  void spacesAreCollapsedAndTrimmedAndControlCharactersDropped() {
    assertEquals("Ann Lee", DisplayNames.clean("  Ann \t\n Lee  "));
    assertEquals("AB", DisplayNames.clean("A\u0000B\u007f"));
  }

  @Test
  void nothingLeftIsNoName() {
    assertNull(DisplayNames.clean(null));
    assertNull(DisplayNames.clean(" \n "));
    assertNull(DisplayNames.clean("\ud800"));
  }

  @Test
  void longNamesAreCutWithoutSplittingACharacter() {
    assertEquals(64, DisplayNames.clean("n".repeat(100)).length());
    String emoji = DisplayNames.clean("n".repeat(63) + "😀");
    assertEquals("n".repeat(63), emoji);
  }
}
