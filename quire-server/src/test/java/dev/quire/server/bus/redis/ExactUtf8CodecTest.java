package dev.quire.server.bus.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactUtf8CodecTest {

  private static String roundTrip(String s) {
    return ExactUtf8Codec.INSTANCE.decodeValue(ExactUtf8Codec.INSTANCE.encodeValue(s));
  }

  @Test
  void wellFormedTextIsPlainUtf8() {
    String s = "h\u00e9llo \u65e5\u672c \ud83d\ude00 \\ud83d";
    assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), ExactUtf8Codec.encode(s));
    assertEquals(s, roundTrip(s));
  }

  @Test
  void aLoneSurrogateIsWrittenInItsThreeByteFormAndReadBack() {
    assertArrayEquals(new byte[] {'a', (byte) 0xED, (byte) 0xA0, (byte) 0xBD, 'b'},
        ExactUtf8Codec.encode("a\ud83db"));
    for (String s : new String[] {"\ud83d", "\ude00", "x\ude00\ud83dy", "\ud83d\ud83d\ude00",
        "\ud83d\ude00\ude00", "end \udbff", "\udc00 start"}) {
      assertEquals(s, roundTrip(s), () -> "round trip of " + s.chars().mapToObj(Integer::toHexString).toList());
    }
  }

  @Test
  void bytesThatAreNotAnEncodedSurrogateDecodeAsUtf8Does() {
    byte[] truncated = {'a', (byte) 0xED, (byte) 0xA0};
    assertEquals(new String(truncated, StandardCharsets.UTF_8), ExactUtf8Codec.decode(truncated));
    byte[] hangul = "\ud7a3".getBytes(StandardCharsets.UTF_8); // ED 9E A3: ED, but below A0
    assertEquals("\ud7a3", ExactUtf8Codec.decode(ByteBuffer.wrap(hangul)));
  }

  @Test
  void randomStringsOfAnyUtf16UnitsSurviveTheRoundTrip() {
    long seed = Long.getLong("quire.seed", new Random().nextLong());
    System.out.println("ExactUtf8CodecTest seed " + seed + " (rerun with -Dquire.seed=" + seed + ")");
    Random random = new Random(seed);
    char[] pool = {'a', '\u0000', '\u007f', '\u0080', '\u07ff', '\u0800', '\ud7ff', '\ud800',
        '\udbff', '\udc00', '\udfff', '\ue000', '\uffff', '\u00ed', '\u00a0'};
    for (int i = 0; i < 20_000; i++) {
      char[] cs = new char[random.nextInt(12)];
      for (int k = 0; k < cs.length; k++) {
        cs[k] = random.nextBoolean() ? pool[random.nextInt(pool.length)] : (char) random.nextInt(0x10000);
      }
      String s = new String(cs);
      assertEquals(s, roundTrip(s), "seed " + seed);
    }
  }
}
