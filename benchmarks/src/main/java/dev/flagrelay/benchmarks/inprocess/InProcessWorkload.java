package dev.flagrelay.benchmarks.inprocess;

import dev.flagrelay.EvaluationMode;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.benchmarks.workload.Contexts;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Value;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The in-process workload: {@link Contexts#FLAG} as a flag with three targeting rules, the third
 * of which matches a ten-attribute context (so every query runs), inside configurations of one or
 * 1,000 flags.
 */
final class InProcessWorkload {
  /** Flags in the configuration that the swap benchmark replaces. */
  static final int LARGE_CONFIGURATION_FLAGS = 1_000;

  private InProcessWorkload() {}

  /** The ten attributes (plus the targeting key) every in-process benchmark evaluates with. */
  static EvaluationContext tenAttributes(String targetingKey) {
    return new ImmutableContext(
        targetingKey,
        Map.of(
            "email", new Value(targetingKey + "@example.com"),
            "company", new Value("flagrelay"),
            "anonymous", new Value(false),
            "plan", new Value("pro"),
            "age", new Value(34),
            "country", new Value("FR"),
            "beta", new Value(false),
            "appVersion", new Value("2.7.1"),
            "sessions", new Value(128),
            "region", new Value("eu-west")));
  }

  /** {@link #tenAttributes} as the engine reads them: plain values, the targeting key apart. */
  static dev.flagrelay.engine.EvaluationContext tenPlainAttributes(String targetingKey) {
    return dev.flagrelay.engine.EvaluationContext.of(
        targetingKey,
        Map.of(
            "email", targetingKey + "@example.com",
            "company", "flagrelay",
            "anonymous", false,
            "plan", "pro",
            "age", 34,
            "country", "FR",
            "beta", false,
            "appVersion", "2.7.1",
            "sessions", 128,
            "region", "eu-west"));
  }

  /**
   * An in-process provider (not initialised) over {@code configurations}, shipping events to
   * {@code collector}, or collecting nothing when it is null.
   */
  static GoFeatureFlagProvider inProcessProvider(ConfigurationServer configurations, RelayStub collector) {
    GoFeatureFlagProviderOptions.Builder options =
        GoFeatureFlagProviderOptions.builder().endpoint(configurations.baseUrl()).evaluationMode(EvaluationMode.IN_PROCESS);
    if (collector == null) {
      options.disableDataCollection(true);
    } else {
      options.dataCollectorBaseUrl(collector.baseUrl());
    }
    return new GoFeatureFlagProvider(options.build());
  }

  /** {@code bench-flag}: three rules; for {@link #tenAttributes} the first two fail, the third matches (true). */
  static String threeRuleFlag(String key, String generation) {
    return "\""
        + key
        + "\":{\"variations\":{\"on\":true,\"off\":false},\"targeting\":["
        + "{\"name\":\"beta testers\",\"query\":\"beta eq true and country eq \\\"FR\\\"\",\"variation\":\"on\"},"
        + "{\"name\":\"internal\",\"query\":\"email ew \\\"@internal.example\\\"\",\"variation\":\"on\"},"
        + "{\"name\":\"adult pro plan\",\"query\":\"plan eq \\\"pro\\\" and age gt 18\",\"variation\":\"on\"}],"
        + "\"defaultRule\":{\"variation\":\"off\"},"
        + "\"metadata\":{\"team\":\"checkout\",\"generation\":\""
        + generation
        + "\"},\"version\":\"3\"}";
  }

  /** A configuration holding only {@code bench-flag}. */
  static byte[] singleFlag() {
    return ("{\"flags\":{" + threeRuleFlag(Contexts.FLAG, "a") + "}}").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code bench-flag} and 999 other three-rule flags; every flag's definition differs between
   * generations, so a swap changes all 1,000.
   */
  static byte[] largeConfiguration(String generation) {
    StringBuilder body = new StringBuilder("{\"flags\":{").append(threeRuleFlag(Contexts.FLAG, generation));
    for (int i = 1; i < LARGE_CONFIGURATION_FLAGS; i++) {
      body.append(',').append(threeRuleFlag("flag-" + i, generation));
    }
    return body.append("}}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
