package dev.flagrelay.engine.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagrelay.engine.internal.eval.Allocation;
import dev.flagrelay.engine.internal.eval.CompiledFlag;
import dev.flagrelay.engine.internal.eval.CompiledRule;
import dev.flagrelay.engine.internal.eval.FlagState;
import dev.flagrelay.engine.internal.eval.PercentageSplit;
import dev.flagrelay.engine.internal.eval.ProgressiveRollout;
import dev.flagrelay.engine.internal.eval.Rfc3339;
import dev.flagrelay.engine.internal.eval.SingleVariation;
import dev.flagrelay.engine.internal.query.Queries;
import dev.flagrelay.engine.internal.query.Query;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles one checked flag: every query parsed, every split resolved into buckets, every date
 * into an instant, one {@link FlagState} per scheduled step. Queries are compiled once per
 * distinct text within a configuration.
 */
final class FlagCompiler {
  /** The largest unsigned 32-bit value: a split's modulus must fit. */
  private static final double MAX_UINT32 = 4294967295.0;
  private static final Comparator<String> UTF8_ORDER = FlagCompiler::compareUtf8;

  private final Map<String, Query> queries = new HashMap<>();

  CompiledFlag compile(String key, JsonNode flag) throws InvalidFlagException {
    JsonValues.checkLimits(flag);
    FlagShape.checkFlag(flag);
    Map<String, Object> metadata =
        flag.hasNonNull("metadata") ? JsonValues.map(flag.get("metadata")) : Map.of();
    ObjectNode state = ((ObjectNode) flag).deepCopy();
    state.remove("scheduledRollout");
    List<Instant> dates = new ArrayList<>();
    List<FlagState> states = new ArrayList<>();
    states.add(compileState(state, metadata));
    for (ObjectNode step : ScheduledRollout.sortedSteps(flag)) {
      dates.add(ScheduledRollout.date(step));
      state = ScheduledRollout.apply(state, step);
      states.add(compileState(state, metadata));
    }
    return new CompiledFlag(
        key,
        text(flag, "bucketingKey"),
        !flag.hasNonNull("trackEvents") || flag.get("trackEvents").booleanValue(),
        text(flag, "version"),
        metadata,
        dates,
        states);
  }

  private FlagState compileState(JsonNode flag, Map<String, Object> metadata)
      throws InvalidFlagException {
    List<CompiledRule> rules = new ArrayList<>();
    JsonNode targeting = flag.get("targeting");
    for (int i = 0; targeting != null && i < targeting.size(); i++) {
      rules.add(compileRule(targeting.get(i), metadata, "targeting[" + i + "]"));
    }
    JsonNode defaultRule = flag.get("defaultRule");
    JsonNode window = flag.get("experimentation");
    boolean hasWindow = window != null && !window.isNull();
    return new FlagState(
        flag.hasNonNull("variations") ? JsonValues.map(flag.get("variations")) : Map.of(),
        List.copyOf(rules),
        defaultRule == null || defaultRule.isNull()
            ? null
            : compileRule(defaultRule, metadata, "defaultRule"),
        flag.hasNonNull("disable") && flag.get("disable").booleanValue(),
        hasWindow,
        hasWindow ? date(window, "start") : null,
        hasWindow ? date(window, "end") : null);
  }

  private CompiledRule compileRule(JsonNode rule, Map<String, Object> metadata, String path)
      throws InvalidFlagException {
    String name = text(rule, "name");
    return new CompiledRule(
        query(text(rule, "query"), path),
        rule.hasNonNull("disable") && rule.get("disable").booleanValue(),
        allocation(rule, path),
        name == null || name.isEmpty() ? metadata : withRuleName(metadata, name));
  }

  private static Map<String, Object> withRuleName(Map<String, Object> metadata, String name) {
    Map<String, Object> named = new LinkedHashMap<>(metadata);
    named.put("evaluatedRuleName", name);
    return Collections.unmodifiableMap(named);
  }

  private Query query(String text, String path) throws InvalidFlagException {
    if (text == null) {
      return Query.ALWAYS;
    }
    Query compiled = queries.get(text);
    if (compiled == null) {
      try {
        compiled = Queries.compile(text);
      } catch (RuntimeException | StackOverflowError e) {
        throw new InvalidFlagException(path + ".query: cannot be compiled: " + e);
      }
      queries.put(text, compiled);
    }
    return compiled;
  }

  private static Allocation allocation(JsonNode rule, String path) throws InvalidFlagException {
    if (rule.hasNonNull("progressiveRollout")) {
      return progressive(rule.get("progressiveRollout"));
    }
    if (rule.hasNonNull("percentage")) {
      return split(rule.get("percentage"), path);
    }
    String variation = text(rule, "variation");
    return variation == null ? null : new SingleVariation(variation);
  }

  private static Allocation progressive(JsonNode rollout) {
    JsonNode initial = rollout.get("initial");
    JsonNode end = rollout.get("end");
    return new ProgressiveRollout(
        initial.get("variation").textValue(),
        initial.path("percentage").doubleValue(),
        date(initial, "date"),
        end.get("variation").textValue(),
        end.path("percentage").doubleValue(),
        date(end, "date"));
  }

  /**
   * Buckets in descending byte order of the names; the modulus sums the percentages in ascending
   * byte order (the reference sums in random map order: see the README on order-sensitive sums).
   */
  private static Allocation split(JsonNode percentages, String path) throws InvalidFlagException {
    List<String> names = new ArrayList<>();
    percentages.fieldNames().forEachRemaining(names::add);
    names.sort(UTF8_ORDER);
    double sum = 0;
    boolean split = true;
    for (String name : names) {
      double percentage = percentages.get(name).doubleValue();
      sum += percentage;
      split &= percentage != 100;
    }
    if (sum * 1000 > MAX_UINT32) {
      throw new InvalidFlagException(path + ".percentage: sum out of range: " + sum);
    }
    Collections.reverse(names);
    long[] lower = new long[names.size()];
    long[] upper = new long[names.size()];
    double start = 0;
    for (int i = 0; i < names.size(); i++) {
      double end = start + percentages.get(names.get(i)).doubleValue() * 1000;
      lower[i] = (long) start;
      upper[i] = (long) end;
      start = end;
    }
    return new PercentageSplit(
        names.toArray(new String[0]), lower, upper, (long) (sum * 1000), split);
  }

  private static int compareUtf8(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static Instant date(JsonNode node, String field) {
    return node.hasNonNull(field) ? Rfc3339.parseOrNull(node.get(field).textValue()) : null;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.textValue();
  }
}
