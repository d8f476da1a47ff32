package dev.flagrelay.internal.evaluation;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ProviderEvaluation;

/** Answers one evaluation; never throws for relay or configuration trouble. Thread-safe. */
public interface Evaluator {
  <T> ProviderEvaluation<T> evaluate(String flagKey, FlagType<T> type, T defaultValue, EvaluationContext context);
}
