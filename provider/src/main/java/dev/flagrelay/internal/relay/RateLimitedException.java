package dev.flagrelay.internal.relay;

import java.time.Duration;

/** Nothing was sent: the relay asked for a pause ({@code 429} with {@code Retry-After}). */
public final class RateLimitedException extends RelayException {
  private final Duration remaining;

  public RateLimitedException(Duration remaining) {
    super("relay asked to retry after a pause (HTTP 429); " + remaining.toMillis() + " ms left", null);
    this.remaining = remaining;
  }

  public Duration remaining() {
    return remaining;
  }

  @Override
  public boolean unavailable() {
    return true;
  }
}
