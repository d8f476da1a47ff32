package dev.flagrelay.engine.internal.eval;

import java.time.Duration;
import java.time.Instant;

/**
 * A progressive rollout, resolved once: before {@code initialDate} everyone gets the initial
 * variation; then a context whose {@code hash mod 100000} is below the current threshold gets the
 * end variation. The threshold grows linearly per whole second from {@code initial% × 1000} to
 * {@code end% × 1000} (an end percentage of 0 or above 100 counts as 100).
 */
public final class ProgressiveRollout implements Allocation {
  private static final long BUCKETS = 100_000;

  private final String initialVariation;
  private final String endVariation;
  private final Instant initialDate;
  private final Instant endDate;
  private final double initialThreshold;
  private final double endThreshold;
  private final double perSecond;

  public ProgressiveRollout(
      String initialVariation,
      double initialPercentage,
      Instant initialDate,
      String endVariation,
      double endPercentage,
      Instant endDate) {
    this.initialVariation = initialVariation;
    this.endVariation = endVariation;
    this.initialDate = initialDate;
    this.endDate = endDate;
    this.initialThreshold = initialPercentage * 1000;
    this.endThreshold = (endPercentage == 0 || endPercentage > 100 ? 100 : endPercentage) * 1000;
    this.perSecond =
        (endThreshold - initialThreshold) / Duration.between(initialDate, endDate).getSeconds();
  }

  @Override
  public String variation(int hash, Instant now) {
    if (now.isBefore(initialDate)) {
      return initialVariation;
    }
    long h = Integer.toUnsignedLong(hash) % BUCKETS;
    return h < (long) threshold(now) ? endVariation : initialVariation;
  }

  private double threshold(Instant now) {
    if (!now.isBefore(endDate)) {
      return endThreshold;
    }
    return Duration.between(initialDate, now).getSeconds() * perSecond + initialThreshold;
  }

  @Override
  public boolean needsBucketing() {
    return true;
  }

  @Override
  public boolean isSplit() {
    return true;
  }

  @Override
  public boolean isProgressive() {
    return true;
  }
}
