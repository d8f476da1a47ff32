package dev.flagrelay.engine.internal.query;

import java.util.Map;

/** Builds the context a query sees from an evaluation context. */
public final class QueryContext {

  private QueryContext() {}

  /**
   * The context queries see: every attribute of {@code evaluationContext} (enrichment already
   * applied by the caller), plus {@code anonymous} (the boolean attribute of that name, else
   * false), and {@code key} and {@code targetingKey}, both the targeting key. Top-level integral
   * numbers become {@code Long}, every other number {@code Double}.
   *
   * @param evaluationContext attributes as plain Java values (String, Boolean, Number, List, Map,
   *     null), the targeting key under {@code "targetingKey"}
   */
  public static Map<String, Object> of(Map<String, Object> evaluationContext) {
    // Placeholder until the query languages land.
    return java.util.Collections.unmodifiableMap(new java.util.HashMap<>(evaluationContext));
  }
}
