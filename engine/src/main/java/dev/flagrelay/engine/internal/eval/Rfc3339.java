package dev.flagrelay.engine.internal.eval;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/** Strict RFC 3339 date-times ({@code 2024-01-05T00:00:00Z}, fractional seconds, numeric offsets). */
public final class Rfc3339 {
  private static final Pattern SHAPE =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

  private Rfc3339() {}

  /** The instant {@code text} names, or {@code null} when it is not an RFC 3339 date-time. */
  public static Instant parseOrNull(String text) {
    if (text.length() > 64 || !SHAPE.matcher(text).matches()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }
}
