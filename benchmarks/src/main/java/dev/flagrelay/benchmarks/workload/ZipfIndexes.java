package dev.flagrelay.benchmarks.workload;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A precomputed sequence of indexes in {@code [0, n)} drawn from a Zipf distribution (exponent
 * 1): index 0 is the most frequent, index {@code k} about {@code 1/(k+1)} as frequent. Drawn once
 * with a fixed seed, so the benchmark loop only reads an array.
 */
public final class ZipfIndexes {
  /** A power of two, so a cursor wraps with a mask; 256 KiB of ints stays in cache. */
  public static final int LENGTH = 1 << 16;

  private final int[] indexes;

  private ZipfIndexes(int[] indexes) {
    this.indexes = indexes;
  }

  /** Draws {@link #LENGTH} indexes over {@code [0, n)} from {@code seed}. */
  public static ZipfIndexes draw(int n, long seed) {
    double[] cumulative = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / (k + 1);
      cumulative[k] = sum;
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] indexes = new int[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      indexes[i] = firstAtLeast(cumulative, random.nextDouble() * sum);
    }
    return new ZipfIndexes(indexes);
  }

  private static int firstAtLeast(double[] cumulative, double target) {
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cumulative[mid] < target) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /** The index at position {@code cursor}, wrapping around. */
  public int at(int cursor) {
    return indexes[cursor & (LENGTH - 1)];
  }

  /** How many distinct indexes the sequence holds; for a sanity line in the output. */
  public int distinct() {
    return (int) Arrays.stream(indexes).distinct().count();
  }
}
