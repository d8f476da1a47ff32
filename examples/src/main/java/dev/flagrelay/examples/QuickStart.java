package dev.flagrelay.examples;

import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.flagrelay.ProviderStats;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.OpenFeatureError;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a few flags through the provider and prints value, variant and reason, then what the
 * provider did ({@link GoFeatureFlagProvider#stats()}).
 *
 * <p>Against a real relay proxy with {@code -Dflagrelay.endpoint=http://localhost:1031} (and
 * {@code -Dflagrelay.apiKey=...} if it wants one); otherwise against an embedded stand-in.
 */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) throws Exception {
    String endpoint = System.getProperty("flagrelay.endpoint");
    try (StandInRelay standIn = endpoint == null ? StandInRelay.start() : null) {
      String target = standIn != null ? standIn.endpoint() : endpoint;
      System.out.println("Relay: " + target + (standIn != null ? " (embedded stand-in)" : ""));
      run(target, System.getProperty("flagrelay.apiKey"));
    }
  }

  private static void run(String endpoint, String apiKey) {
    GoFeatureFlagProviderOptions options =
        GoFeatureFlagProviderOptions.builder()
            .endpoint(endpoint)
            .apiKey(apiKey)
            .timeout(Duration.ofSeconds(5))
            .build();
    OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    GoFeatureFlagProvider provider = new GoFeatureFlagProvider(options);
    try {
      api.setProviderAndWait(provider);
    } catch (OpenFeatureError e) {
      System.err.println("The relay at " + endpoint + " is not usable: " + e.getMessage());
      api.shutdown();
      System.exit(1);
    }
    try {
      Client client = api.getClient();
      MutableContext user = new MutableContext("d45e303a-38c2-11ed-a261-0242ac120002");
      user.add("email", "john.doe@gofeatureflag.org");
      user.add("labels", List.of(new Value("pro"), new Value("beta")));
      print(client.getBooleanDetails("bool_targeting_match", false, user));
      print(client.getBooleanDetails("bool_targeting_match", false, user)); // Second time: CACHED.
      print(client.getStringDetails("string_key", "default", user));
      print(client.getIntegerDetails("integer_key", 0, user));
      print(client.getDoubleDetails("double_key", 0.0, user));
      print(client.getObjectDetails("object_key", new Value(), user));
      print(client.getBooleanDetails("disabled_bool", false, user));
      print(client.getBooleanDetails("no-such-flag", false, user));
      printStats(provider.stats());
    } finally {
      api.shutdown();
    }
  }

  /** What the provider did, as {@code provider.stats()} reports it (also exported by flagrelay-micrometer). */
  private static void printStats(ProviderStats stats) {
    System.out.println();
    System.out.println("Provider stats (provider.stats()):");
    System.out.printf("  status        %s since %s%n", stats.status(), stats.statusSince());
    ProviderStats.Evaluations evaluations = stats.evaluations();
    System.out.printf(
        "  evaluations   %d: cache=%d relay=%d in-process=%d stale=%d errors=%s%n",
        evaluations.total(),
        evaluations.cache(),
        evaluations.relay(),
        evaluations.inProcess(),
        evaluations.stale(),
        evaluations.errors());
    ProviderStats.Cache cache = stats.cache();
    System.out.printf(
        "  cache         size=%d hits=%d misses=%d evictions=%d single-flight joins=%d%n",
        cache.size(), cache.hits(), cache.misses(), cache.evictions(), cache.singleFlightJoins());
    stats.relayRequests().forEach((endpoint, requests) -> {
      if (requests.total() > 0) {
        System.out.printf(
            "  relay         %-15s %d requests %s, p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
            endpoint,
            requests.total(),
            nonZero(requests.outcomes()),
            millis(requests.latency().p50()),
            millis(requests.latency().p99()),
            millis(requests.latency().max()));
      }
    });
    ProviderStats.ChangeDetection changes = stats.changeDetection();
    System.out.printf(
        "  changes       %s, stream connected=%s, last sync %s, failures in a row=%d%n",
        changes.mode(),
        changes.streamConnected(),
        changes.lastSuccessfulSync().map(Object::toString).orElse("never"),
        changes.consecutiveFailures());
    ProviderStats.Collector collector = stats.collector();
    System.out.printf(
        "  collector     pending=%d sent=%d dropped=%d failed batches=%d%n",
        collector.pending(), collector.sent(), collector.dropped(), collector.failedBatches());
    System.out.println("  last error    " + stats.lastError().map(e -> e.at() + " " + e.message()).orElse("none"));
  }

  private static double millis(java.time.Duration duration) {
    return duration.toNanos() / 1e6;
  }

  private static Map<ProviderStats.Outcome, Long> nonZero(Map<ProviderStats.Outcome, Long> outcomes) {
    Map<ProviderStats.Outcome, Long> seen = new EnumMap<>(ProviderStats.Outcome.class);
    outcomes.forEach((outcome, count) -> {
      if (count > 0) {
        seen.put(outcome, count);
      }
    });
    return seen;
  }

  private static void print(FlagEvaluationDetails<?> details) {
    Object value = details.getValue();
    if (value instanceof Value object && object.isStructure()) {
      value = object.asStructure().asObjectMap();
    }
    System.out.printf(
        "%-22s value=%-40s variant=%-12s reason=%s%s%n",
        details.getFlagKey(),
        value,
        details.getVariant(),
        details.getReason(),
        details.getErrorCode() == null ? "" : " error=" + details.getErrorCode() + " (" + details.getErrorMessage() + ")");
  }
}
