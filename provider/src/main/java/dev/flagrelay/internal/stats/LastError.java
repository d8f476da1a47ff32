package dev.flagrelay.internal.stats;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The provider's most recent error, with the time it happened, never holding a secret: the API
 * key (also as a URL would encode it, and any {@code apiKey=} query value) and every configured
 * header value are masked before the message is kept. Replaced as a whole; thread-safe.
 */
public final class LastError {
  static final String MASK = "***";
  private static final Pattern KEY_PARAMETER = Pattern.compile("(?i)(apiKey=)[^&\\s#\"']*");

  /** A message and when it was recorded, in milliseconds since the epoch. */
  public record Note(String message, long epochMillis) {}

  /** Longest first, so a secret holding another is masked whole. */
  private final List<String> secrets;
  private final LongSupplier wallMillis;
  private volatile Note last;

  /**
   * @param apiKey null when none
   * @param headerValues the values of the configured extra headers
   */
  public LastError(String apiKey, Iterable<String> headerValues, LongSupplier wallMillis) {
    List<String> all = new ArrayList<>();
    if (apiKey != null && !apiKey.isEmpty()) {
      all.add(apiKey);
      all.add(URLEncoder.encode(apiKey, StandardCharsets.UTF_8));
    }
    for (String value : headerValues) {
      if (value != null && !value.isEmpty()) {
        all.add(value);
      }
    }
    all.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(all);
    this.wallMillis = wallMillis;
  }

  /** Keeps {@code message}, masked, as the last error. */
  public void record(String message) {
    last = new Note(redact(message == null ? "(no message)" : message), wallMillis.getAsLong());
  }

  /** The last error, or null when there was none. */
  public Note last() {
    return last;
  }

  String redact(String text) {
    String redacted = KEY_PARAMETER.matcher(text).replaceAll("$1" + MASK);
    for (String secret : secrets) {
      redacted = redacted.replace(secret, MASK);
    }
    return redacted;
  }
}
