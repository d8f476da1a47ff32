package dev.flagrelay.engine.internal.query;

/** String operations with the engine's semantics: per-code-point lower-casing, byte-order compare. */
final class GoStrings {

  private GoStrings() {}

  /** Lower-cases each code point on its own (simple case mapping, no locale, no context). */
  static String lower(String s) {
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c >= 0x80 || (c >= 'A' && c <= 'Z')) {
        return lowerFrom(s, i);
      }
      i++;
    }
    return s;
  }

  private static String lowerFrom(String s, int start) {
    StringBuilder out = new StringBuilder(s.length()).append(s, 0, start);
    for (int i = start; i < s.length(); ) {
      int cp = s.codePointAt(i);
      out.appendCodePoint(Character.toLowerCase(cp));
      i += Character.charCount(cp);
    }
    return out.toString();
  }

  /** Compares as UTF-8 bytes compare, that is by code point (not by UTF-16 unit). */
  static int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        boolean xs = Character.isSurrogate(x);
        boolean ys = Character.isSurrogate(y);
        return xs == ys ? Character.compare(x, y) : (xs ? 1 : -1);
      }
    }
    return Integer.compare(a.length(), b.length());
  }
}
