package dev.flagrelay.engine.internal.eval;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a flag is between two steps of its scheduled rollout (or always, without one).
 *
 * @param variations variation name to value (values may be {@code null})
 * @param rules targeting rules, in order
 * @param defaultRule the default rule, {@code null} when there is none
 * @param disabled whether the flag is disabled
 * @param hasExperimentation whether an experimentation window is set
 * @param experimentationStart inclusive start of the window, {@code null} for none
 * @param experimentationEnd inclusive end of the window, {@code null} for none
 */
public record FlagState(
    Map<String, Object> variations,
    List<CompiledRule> rules,
    CompiledRule defaultRule,
    boolean disabled,
    boolean hasExperimentation,
    Instant experimentationStart,
    Instant experimentationEnd) {

  boolean outsideExperimentation(Instant now) {
    return (experimentationStart != null && now.isBefore(experimentationStart))
        || (experimentationEnd != null && now.isAfter(experimentationEnd));
  }

  boolean needsBucketing() {
    if (defaultRule != null && defaultRule.needsBucketing()) {
      return true;
    }
    for (CompiledRule rule : rules) {
      if (rule.needsBucketing()) {
        return true;
      }
    }
    return false;
  }
}
