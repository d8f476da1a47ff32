package dev.flagrelay.internal.http;

import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * Removes the API key from text headed for a log line or an exception message: the key itself,
 * the key as OkHttp encodes it into a URL query, and any {@code apiKey=} query parameter.
 */
final class Secrets {
  static final String MASK = "***";
  private static final Pattern KEY_PARAMETER = Pattern.compile("(?i)(apiKey=)[^&\\s#\"']*");

  /** The key, or null; and the key as encoded in a URL query when that differs (else null). */
  private final String key;
  private final String encodedKey;

  Secrets(String key) {
    this.key = key == null || key.isEmpty() ? null : key;
    String encoded = this.key == null ? null : queryEncoded(this.key);
    this.encodedKey = encoded == null || encoded.equals(this.key) ? null : encoded;
  }

  private static String queryEncoded(String value) {
    String query = HttpUrl.get("http://localhost/").newBuilder().addQueryParameter("k", value).build().encodedQuery();
    return query == null ? value : query.substring("k=".length());
  }

  /** {@code text} with the key replaced by {@link #MASK} wherever it appears. */
  String redact(String text) {
    if (text == null) {
      return null;
    }
    String redacted = KEY_PARAMETER.matcher(text).replaceAll("$1" + MASK);
    if (key == null) {
      return redacted;
    }
    redacted = redacted.replace(key, MASK);
    return encodedKey == null ? redacted : redacted.replace(encodedKey, MASK);
  }
}
