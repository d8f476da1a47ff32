package dev.flagrelay.engine.internal.query;

import java.util.List;

/** A strict Semantic Versioning 2.0 version (no {@code v} prefix), ordered by its precedence. */
record Semver(long major, long minor, long patch, List<String> preRelease) implements Comparable<Semver> {

  /** The version {@code text} denotes, or null when it is not a strict semantic version. */
  static Semver parse(String text) {
    int plus = text.indexOf('+');
    String core = plus < 0 ? text : text.substring(0, plus);
    if (plus >= 0 && !validIdentifiers(text.substring(plus + 1), false)) {
      return null;
    }
    int dash = core.indexOf('-');
    String numbers = dash < 0 ? core : core.substring(0, dash);
    List<String> pre = List.of();
    if (dash >= 0) {
      String preText = core.substring(dash + 1);
      if (!validIdentifiers(preText, true)) {
        return null;
      }
      pre = List.of(preText.split("\\.", -1));
    }
    String[] parts = numbers.split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    long[] values = new long[3];
    for (int i = 0; i < 3; i++) {
      if (!isNumeric(parts[i])) {
        return null;
      }
      values[i] = parseUnsigned(parts[i]);
      if (values[i] == -1 && !parts[i].equals("18446744073709551615")) {
        return null;
      }
    }
    return new Semver(values[0], values[1], values[2], pre);
  }

  private static boolean validIdentifiers(String text, boolean noLeadingZeros) {
    if (text.isEmpty()) {
      return false;
    }
    for (String id : text.split("\\.", -1)) {
      if (id.isEmpty() || !isIdentifier(id)) {
        return false;
      }
      if (noLeadingZeros && isAllDigits(id) && !isNumeric(id)) {
        return false;
      }
      if (noLeadingZeros && isAllDigits(id) && parseUnsigned(id) == -1
          && !id.equals("18446744073709551615")) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIdentifier(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAllDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Digits without a leading zero (except "0" itself). */
  private static boolean isNumeric(String s) {
    return isAllDigits(s) && (s.length() == 1 || s.charAt(0) != '0');
  }

  /** The unsigned 64-bit value, or -1 (all ones) on overflow. */
  private static long parseUnsigned(String digits) {
    try {
      return Long.parseUnsignedLong(digits);
    } catch (NumberFormatException overflow) {
      return -1;
    }
  }

  @Override
  public int compareTo(Semver o) {
    int c = Long.compareUnsigned(major, o.major);
    if (c == 0) {
      c = Long.compareUnsigned(minor, o.minor);
    }
    if (c == 0) {
      c = Long.compareUnsigned(patch, o.patch);
    }
    return c != 0 ? c : comparePreRelease(preRelease, o.preRelease);
  }

  private static int comparePreRelease(List<String> a, List<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Boolean.compare(a.isEmpty(), b.isEmpty());
    }
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = compareIdentifier(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static int compareIdentifier(String x, String y) {
    boolean xn = isAllDigits(x);
    boolean yn = isAllDigits(y);
    if (xn && yn) {
      return Long.compareUnsigned(parseUnsigned(x), parseUnsigned(y));
    }
    if (xn != yn) {
      return xn ? -1 : 1;
    }
    return x.compareTo(y);
  }

}
