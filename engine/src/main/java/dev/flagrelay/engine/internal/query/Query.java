package dev.flagrelay.engine.internal.query;

import java.util.Map;

/**
 * A rule's query, compiled once per configuration. Immutable and shared by every evaluating
 * thread.
 *
 * <p>{@link #matches} never throws: a query that cannot be evaluated for a context does not match
 * (the rule is not applied).
 */
@FunctionalInterface
public interface Query {

  /** The query of a rule without one: matches every context. */
  Query ALWAYS = context -> true;

  /** A query that could not be compiled: the rule is never applied. */
  Query NEVER = context -> false;

  /**
   * Whether {@code context} satisfies this query.
   *
   * @param context the context as queries see it, built by {@link QueryContext#of}
   */
  boolean matches(Map<String, Object> context);
}
