package dev.flagrelay.engine;

/** Why an evaluation produced its value, named as GO Feature Flag names it. */
public enum Reason {
  /** The flag has no rules and its default rule gives a single variation. */
  STATIC,
  /** The flag has rules, none matched, and the default rule gives a single variation. */
  DEFAULT,
  /** A rule matched and gives a single variation. */
  TARGETING_MATCH,
  /** A rule matched and split its contexts (percentages or a progressive rollout). */
  TARGETING_MATCH_SPLIT,
  /** The default rule split its contexts (percentages or a progressive rollout). */
  SPLIT,
  /** The flag is disabled or outside its experimentation window: the caller's default. */
  DISABLED,
  /** The evaluation failed; see {@link EvaluationResult#errorCode()}. */
  ERROR
}
