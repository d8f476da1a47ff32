package dev.flagrelay.it.conformance.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A flag set as the conformance suites describe it, independent of any backend's format: what
 * each flag's variants are, which one it serves by default, whether it is disabled, and the
 * targeting rules that pick another variant.
 */
public record FlagSet(Map<String, Flag> flags) {
  public FlagSet {
    flags = Collections.unmodifiableMap(new LinkedHashMap<>(flags));
  }

  public Flag flag(String key) {
    Flag flag = flags.get(key);
    if (flag == null) {
      throw new IllegalArgumentException("no flag '" + key + "' in this flag set");
    }
    return flag;
  }

  /** This set with {@code key} serving another of its variants by default: a configuration change. */
  public FlagSet withOtherDefaultVariant(String key) {
    Map<String, Flag> changed = new LinkedHashMap<>(flags);
    changed.put(key, flag(key).withOtherDefaultVariant());
    return new FlagSet(changed);
  }

  /**
   * One flag.
   *
   * @param variants variant name to value ({@code Boolean}, {@code String}, {@code Integer},
   *     {@code Long}, {@code BigDecimal}, {@code Map}, {@code List}), in file order
   * @param defaultVariant served when no rule matches; null when the file names none
   * @param rules tried in order; the first that matches picks the variant
   * @param metadata scalar flag metadata, possibly empty
   */
  public record Flag(
      String key,
      Map<String, Object> variants,
      String defaultVariant,
      boolean disabled,
      List<Rule> rules,
      Map<String, Object> metadata) {
    public Flag {
      variants = Collections.unmodifiableMap(new LinkedHashMap<>(variants));
      rules = List.copyOf(rules);
      metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
      if (defaultVariant != null && !variants.containsKey(defaultVariant)) {
        throw new IllegalArgumentException(key + ": default variant '" + defaultVariant + "' is not a variant");
      }
      for (Rule rule : rules) {
        if (!variants.containsKey(rule.variant())) {
          throw new IllegalArgumentException(key + ": rule variant '" + rule.variant() + "' is not a variant");
        }
      }
    }

    /** The reason a backend reports when no rule picked the variant: STATIC without rules, DEFAULT with. */
    public String fallThroughReason() {
      return rules.isEmpty() ? "STATIC" : "DEFAULT";
    }

    Flag withOtherDefaultVariant() {
      List<String> names = new ArrayList<>(variants.keySet());
      names.remove(defaultVariant);
      if (names.isEmpty()) {
        throw new IllegalStateException(key + " has no other variant to switch to");
      }
      return new Flag(key, variants, names.get(0), disabled, rules, metadata);
    }
  }

  /** A targeting rule: when every condition holds, the flag serves {@code variant}. */
  public record Rule(List<Condition> conditions, String variant) {
    public Rule {
      conditions = List.copyOf(conditions);
      if (conditions.isEmpty()) {
        throw new IllegalArgumentException("a rule needs at least one condition");
      }
    }
  }

  /** One test of an evaluation-context attribute ({@code targetingKey} included). */
  public record Condition(String attribute, Operator operator, Object operand) {
    public Condition {
      boolean ordered = operator == Operator.GREATER_THAN;
      if (ordered && !(operand instanceof Number)) {
        throw new IllegalArgumentException(attribute + " > needs a number: " + operand);
      }
      if (!ordered && !(operand instanceof String || operand instanceof Boolean || operand instanceof Number)) {
        throw new IllegalArgumentException(attribute + " == needs a scalar: " + operand);
      }
    }
  }

  /** The comparisons the suites' targeting rules use. */
  public enum Operator {
    EQUALS,
    GREATER_THAN
  }
}
