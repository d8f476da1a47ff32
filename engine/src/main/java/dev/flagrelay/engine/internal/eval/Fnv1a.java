package dev.flagrelay.engine.internal.eval;

/**
 * FNV-1a 32-bit over the UTF-8 bytes of a string, computed from its chars without encoding it.
 * A lone surrogate counts as U+FFFD, as a Go string decoded from JSON holds it.
 */
public final class Fnv1a {
  /** The hash of no bytes. */
  public static final int OFFSET_BASIS = 0x811c9dc5;
  private static final int PRIME = 0x01000193;
  private static final int REPLACEMENT = 0xFFFD;

  private Fnv1a() {}

  /** The hash of {@code s}'s UTF-8 bytes. */
  public static int hash(String s) {
    return update(OFFSET_BASIS, s);
  }

  /** Continues hash state {@code h} over {@code s}'s UTF-8 bytes. */
  public static int update(int h, String s) {
    int length = s.length();
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        h = mix(h, c);
      } else if (c < 0x800) {
        h = mix(mix(h, 0xC0 | (c >> 6)), 0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        h = fourBytes(h, Character.toCodePoint(c, s.charAt(++i)));
      } else {
        h = threeBytes(h, Character.isSurrogate(c) ? REPLACEMENT : c);
      }
    }
    return h;
  }

  private static int threeBytes(int h, int c) {
    h = mix(h, 0xE0 | (c >> 12));
    h = mix(h, 0x80 | ((c >> 6) & 0x3F));
    return mix(h, 0x80 | (c & 0x3F));
  }

  private static int fourBytes(int h, int cp) {
    h = mix(h, 0xF0 | (cp >> 18));
    h = mix(h, 0x80 | ((cp >> 12) & 0x3F));
    h = mix(h, 0x80 | ((cp >> 6) & 0x3F));
    return mix(h, 0x80 | (cp & 0x3F));
  }

  private static int mix(int h, int b) {
    return (h ^ b) * PRIME;
  }
}
