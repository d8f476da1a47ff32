package dev.flagrelay.internal.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One shared deadline before which no request is sent, set from a {@code 429}'s {@code
 * Retry-After}. Lock-free: the deadline is a single {@code AtomicLong} of {@code nanoTime}.
 */
final class RetryAfterGate {
  /** Used when a 429 carries no usable {@code Retry-After}. */
  static final Duration DEFAULT_PAUSE = Duration.ofSeconds(1);
  /** Longest pause honoured, so a broken gateway cannot silence the provider for days. */
  static final Duration MAX_PAUSE = Duration.ofMinutes(10);

  private final LongSupplier nanoTime;
  private final AtomicLong openAtNanos;

  RetryAfterGate(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.openAtNanos = new AtomicLong(nanoTime.getAsLong());
  }

  /** How long requests must still wait; zero or negative when they may go. */
  Duration remaining() {
    return Duration.ofNanos(openAtNanos.get() - nanoTime.getAsLong());
  }

  /** Closes the gate for the pause {@code retryAfter} asks for, never shortening a longer one. */
  void pause(String retryAfter, Instant now) {
    Duration pause = parse(retryAfter, now);
    long until = nanoTime.getAsLong() + pause.toNanos();
    openAtNanos.accumulateAndGet(until, Math::max);
  }

  /** Reads {@code Retry-After} as delay seconds or as an HTTP date. */
  static Duration parse(String retryAfter, Instant now) {
    if (retryAfter == null || retryAfter.isBlank()) {
      return DEFAULT_PAUSE;
    }
    String value = retryAfter.trim();
    Duration pause;
    try {
      pause = Duration.ofSeconds(Long.parseLong(value));
    } catch (NumberFormatException notSeconds) {
      if (value.chars().allMatch(Character::isDigit)) {
        return MAX_PAUSE; // Seconds beyond any long: as long a pause as we honour.
      }
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        pause = Duration.between(now, at);
      } catch (DateTimeParseException notADate) {
        return DEFAULT_PAUSE;
      }
    }
    if (pause.isNegative()) {
      return Duration.ZERO;
    }
    return pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause;
  }
}
