package dev.flagrelay.internal.stream;

import java.time.Duration;

/**
 * Capped exponential back-off with "equal jitter": attempt {@code n} waits between half and all
 * of {@code min(cap, first * 2^(n-1))}, so retries spread out but never come faster than half
 * the step.
 */
final class Backoff {
  private Backoff() {}

  /**
   * @param attempt the failed attempt in a row, from 1
   * @param random in [0, 1)
   */
  static Duration delay(Duration first, Duration cap, int attempt, double random) {
    Duration step = step(first, cap, attempt);
    long half = step.toNanos() / 2;
    return Duration.ofNanos(half + (long) (half * random));
  }

  private static Duration step(Duration first, Duration cap, int attempt) {
    int doublings = Math.max(0, Math.min(attempt - 1, 30));
    Duration step = first.multipliedBy(1L << doublings);
    return step.compareTo(cap) > 0 ? cap : step;
  }
}
