package dev.flagrelay.engine.internal.eval;

import dev.flagrelay.engine.internal.query.Query;
import java.util.Map;

/**
 * A targeting rule or a default rule, compiled.
 *
 * @param query the compiled query ({@link Query#ALWAYS} for a default rule)
 * @param disabled whether the rule is switched off
 * @param allocation what the rule answers, {@code null} when it has no variation, percentage or
 *     progressive rollout (a {@code FLAG_CONFIG} error when selected)
 * @param metadata the flag's metadata plus {@code evaluatedRuleName} when the rule has a name
 */
public record CompiledRule(
    Query query, boolean disabled, Allocation allocation, Map<String, Object> metadata) {

  boolean needsBucketing() {
    return allocation != null && allocation.needsBucketing();
  }
}
