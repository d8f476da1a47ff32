package dev.flagrelay.engine.internal.eval;

import java.time.Instant;

/**
 * A percentage split, resolved once into buckets: {@code hash mod modulus} (unsigned) falls into
 * the first bucket {@code [lower, upper)}. Buckets follow the variation names in descending byte
 * order; the modulus is {@code (uint32)(sum of percentages × 1000)}.
 */
public final class PercentageSplit implements Allocation {
  private final String[] names;
  private final long[] lower;
  private final long[] upper;
  private final long modulus;
  private final boolean split;

  /**
   * @param names variation names, in bucket order
   * @param lower each bucket's inclusive lower bound
   * @param upper each bucket's exclusive upper bound
   * @param modulus the unsigned modulus, 0 when every percentage is 0
   * @param split false when one bucket holds 100%
   */
  public PercentageSplit(String[] names, long[] lower, long[] upper, long modulus, boolean split) {
    this.names = names.clone();
    this.lower = lower.clone();
    this.upper = upper.clone();
    this.modulus = modulus;
    this.split = split;
  }

  @Override
  public String variation(int hash, Instant now) {
    long h = modulus == 0 ? 0 : Integer.toUnsignedLong(hash) % modulus;
    for (int i = 0; i < names.length; i++) {
      if (lower[i] <= h && h < upper[i]) {
        return names[i];
      }
    }
    return null;
  }

  @Override
  public boolean needsBucketing() {
    return true;
  }

  @Override
  public boolean isSplit() {
    return split;
  }

  @Override
  public boolean isProgressive() {
    return false;
  }
}
