package dev.flagrelay.internal.options;

/**
 * What the HTTP client (OkHttp's {@code Headers}) accepts in a header name or value, checked
 * while options are built so that a bad one fails {@code build()} with the option's name, never
 * later inside the client with the value in its message. OkHttp's own types stay in {@code
 * internal.http}; {@code HeaderRulesTest} there proves these rules accept nothing OkHttp refuses.
 */
public final class HeaderRules {
  /** RFC 9110 delimiters: OkHttp would accept them in a name, no relay or gateway should. */
  private static final String DELIMITERS = "()<>@,;:\\\"/[]?={}";

  private HeaderRules() {}

  /** Index of the first character not allowed in a header name, or -1; an empty name is 0. */
  public static int invalidNameIndex(String name) {
    if (name.isEmpty()) {
      return 0;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c > '~' || DELIMITERS.indexOf(c) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the first character not allowed in a header value (OkHttp: tab or ' '..'~'), or -1. */
  public static int invalidValueIndex(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\t' && (c < ' ' || c > '~')) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Index of the first character not allowed in an API key, or -1: visible ASCII only. Spaces and
   * tabs are refused too: OkHttp trims a value's ends, so a key ending in one would be sent
   * altered and refused by the relay with a 401 that does not say why.
   */
  public static int invalidTokenIndex(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c > '~') {
        return i;
      }
    }
    return -1;
  }
}
