package dev.quire.server.bus.redis;

import io.lettuce.core.codec.RedisCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Java strings to Redis bytes and back, exactly. UTF-8 cannot carry a lone UTF-16 surrogate (Java's
 * encoder writes {@code ?} instead), yet a bus message is any Java string, and the protocol lets a
 * client split an emoji. So a lone surrogate is written the way WTF-8 does: its code point in
 * UTF-8's three-byte form ({@code ED A0..BF xx}), a sequence valid UTF-8 never contains. Well-formed
 * text is plain UTF-8, byte for byte, so redis-cli and other tools read it as usual.
 */
final class ExactUtf8Codec implements RedisCodec<String, String> {
  static final ExactUtf8Codec INSTANCE = new ExactUtf8Codec();

  private ExactUtf8Codec() {}

  @Override
  public String decodeKey(ByteBuffer bytes) {
    return decode(bytes);
  }

  @Override
  public String decodeValue(ByteBuffer bytes) {
    return decode(bytes);
  }

  @Override
  public ByteBuffer encodeKey(String key) {
    return ByteBuffer.wrap(encode(key));
  }

  @Override
  public ByteBuffer encodeValue(String value) {
    return ByteBuffer.wrap(encode(value));
  }

  static byte[] encode(String s) {
    if (s == null) {
      return new byte[0];
    }
    if (isWellFormed(s)) {
      return s.getBytes(StandardCharsets.UTF_8); // the common case, and the JDK's fast path
    }
    byte[] out = new byte[s.length() * 3];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[n++] = (byte) c;
      } else if (c < 0x800) {
        out[n++] = (byte) (0xC0 | c >> 6);
        out[n++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[n++] = (byte) (0xF0 | cp >> 18);
        out[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
        out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[n++] = (byte) (0x80 | cp & 0x3F);
      } else { // the rest of the BMP, lone surrogates included
        out[n++] = (byte) (0xE0 | c >> 12);
        out[n++] = (byte) (0x80 | c >> 6 & 0x3F);
        out[n++] = (byte) (0x80 | c & 0x3F);
      }
    }
    return Arrays.copyOf(out, n);
  }

  static String decode(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.get(b);
    return decode(b);
  }

  static String decode(byte[] b) {
    int first = nextSurrogate(b, 0);
    if (first < 0) {
      return new String(b, StandardCharsets.UTF_8);
    }
    // Valid UTF-8 runs between the encoded surrogates: decode those runs with the JDK.
    StringBuilder sb = new StringBuilder(b.length);
    int start = 0;
    for (int at = first; at >= 0; at = nextSurrogate(b, start)) {
      sb.append(new String(b, start, at - start, StandardCharsets.UTF_8));
      sb.append((char) ((b[at] & 0x0F) << 12 | (b[at + 1] & 0x3F) << 6 | b[at + 2] & 0x3F));
      start = at + 3;
    }
    sb.append(new String(b, start, b.length - start, StandardCharsets.UTF_8));
    return sb.toString();
  }

  /** Where the next complete {@code ED A0..BF 80..BF} sequence starts at or after {@code from}. */
  private static int nextSurrogate(byte[] b, int from) {
    for (int i = from; i + 2 < b.length; i++) {
      // 0xED is never a continuation byte, so a match is always the start of a sequence.
      if (b[i] == (byte) 0xED && (b[i + 1] & 0xE0) == 0xA0 && (b[i + 2] & 0xC0) == 0x80) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      }
    }
    return true;
  }
}
