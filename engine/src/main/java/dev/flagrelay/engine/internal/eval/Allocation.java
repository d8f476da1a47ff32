package dev.flagrelay.engine.internal.eval;

import java.time.Instant;

/** What a rule answers once it applies: one variation, a percentage split or a progressive rollout. */
public sealed interface Allocation permits SingleVariation, PercentageSplit, ProgressiveRollout {

  /**
   * The variation name for a context, or {@code null} when none can be found.
   *
   * @param hash FNV-1a state over the flag key and the bucketing key
   * @param now the evaluation instant
   */
  String variation(int hash, Instant now);

  /** Whether the answer depends on the bucketing key (so an empty key is an error). */
  boolean needsBucketing();

  /** Whether the answer is reported as a split ({@code SPLIT}, {@code TARGETING_MATCH_SPLIT}). */
  boolean isSplit();

  /** Whether the answer changes with time (a progressive rollout is never cacheable). */
  boolean isProgressive();
}
