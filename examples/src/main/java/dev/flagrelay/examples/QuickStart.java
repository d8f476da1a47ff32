package dev.flagrelay.examples;

import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.OpenFeatureError;
import java.time.Duration;
import java.util.List;

/**
 * Evaluates a few flags through the provider and prints value, variant and reason.
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
    try {
      api.setProviderAndWait(new GoFeatureFlagProvider(options));
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
    } finally {
      api.shutdown();
    }
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
