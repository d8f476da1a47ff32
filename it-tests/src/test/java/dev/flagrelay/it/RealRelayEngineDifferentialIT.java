package dev.flagrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagrelay.engine.EvaluationContext;
import dev.flagrelay.engine.EngineVersion;
import dev.flagrelay.engine.EvaluationResult;
import dev.flagrelay.engine.FlagConfiguration;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Java engine against the real relay proxy as oracle: generated flags (written as the relay's
 * flag file) and generated contexts (dates pinned with {@code gofeatureflag.currentDateTime}); the
 * engine evaluates the relay's own {@code /v1/flag/configuration}, the relay answers over OFREP;
 * value, variant, reason, error code and {@code gofeatureflag_cacheable} must be equal.
 *
 * <p>Properties: {@code differential.seed} (replay a run; printed on failure), {@code
 * differential.flags} and {@code differential.contexts} (default 50 × 60 = 3,000 pairs), {@code
 * differential.queries} (default true: rules carry nikunjy and JsonLogic queries). A longer run:
 * {@code -Ddifferential.flags=200 -Ddifferential.contexts=200}.
 */
class RealRelayEngineDifferentialIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant UNUSED_NOW = Instant.parse("2024-01-10T00:00:00Z");

  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * GOFF-ENG-002: the relay these answers are compared with is the baseline the engine pin
   * ({@code goff-engine.properties}) declares.
   */
  @Test
  void relayUnderTest_isTheDifferentialBaselineOfTheEnginePin() {
    EngineVersion pin = EngineVersion.current();

    assertThat(RelayProxy.binary().toString())
        .as("relay binary vs goff.relay.differentialBaseline (%s)", pin.describe())
        .contains("relayproxy-" + pin.relayBaseline());
  }

  @Test
  void engineAnswersAsTheRelayForGeneratedFlagsAndContexts() throws Exception {
    long seed = Long.getLong("differential.seed", System.nanoTime());
    int flagCount = Integer.getInteger("differential.flags", 50);
    int contextCount = Integer.getInteger("differential.contexts", 60);
    boolean queries = Boolean.parseBoolean(System.getProperty("differential.queries", "true"));
    GeneratedFlags generator = new GeneratedFlags(seed, queries);
    Map<String, Object> flags = new LinkedHashMap<>();
    for (int i = 0; i < flagCount; i++) {
      flags.put("flag-" + i, generator.flag());
    }
    Path flagFile = Files.createTempFile("differential-", ".yaml");
    Files.writeString(flagFile, JSON.writeValueAsString(flags));
    List<String> differences = new ArrayList<>();
    int compared = 0;
    int served;
    try (RelayProxy relay = RelayProxy.serving(flagFile).enrichment("env", "production").start()) {
      FlagConfiguration configuration = FlagConfiguration.parse(post(relay, "/v1/flag/configuration", "{}").body());
      assertThat(configuration.unsupportedFlags()).as("seed " + seed).isEmpty();
      served = configuration.evaluableFlags().size();
      assertThat(served).as("flags the relay serves, seed %d; relay log:%n%s", seed, relay.log()).isGreaterThan(flagCount / 2);
      for (int c = 0; c < contextCount; c++) {
        Map<String, Object> context = generator.context();
        for (String key : configuration.evaluableFlags()) {
          compared++;
          String difference = compare(relay, configuration, key, context);
          if (difference != null && differences.size() < 20) {
            differences.add(difference + "\n  flag " + JSON.writeValueAsString(flags.get(key)) + "\n  context " + JSON.writeValueAsString(context));
          }
        }
      }
    } finally {
      Files.deleteIfExists(flagFile);
    }
    assertThat(differences)
        .as("seed %d (replay with -Ddifferential.seed=%d), %d pairs compared", seed, seed, compared)
        .isEmpty();
    assertThat(compared).isEqualTo(served * contextCount);
  }

  private String compare(RelayProxy relay, FlagConfiguration configuration, String key, Map<String, Object> context)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        post(relay, "/ofrep/v1/evaluate/flags/" + URLEncoder.encode(key, StandardCharsets.UTF_8), JSON.writeValueAsString(Map.of("context", context)));
    JsonNode remote = JSON.readTree(response.body());
    Map<String, Object> attributes = new LinkedHashMap<>(context);
    Object targetingKey = attributes.remove("targetingKey");
    EvaluationResult local =
        configuration.evaluate(key, EvaluationContext.of((String) targetingKey, attributes), null, UNUSED_NOW);
    Map<String, Object> mine = new LinkedHashMap<>();
    Map<String, Object> theirs = new LinkedHashMap<>();
    mine.put("errorCode", local.errorCode() == null ? null : local.errorCode().name());
    theirs.put("errorCode", remote.path("errorCode").isTextual() ? remote.get("errorCode").asText() : null);
    if (local.errorCode() == null) {
      mine.put("reason", local.reason().name());
      theirs.put("reason", remote.path("reason").asText(null));
      mine.put("variant", local.variant());
      theirs.put("variant", remote.path("variant").asText(null));
      mine.put("cacheable", local.cacheable());
      theirs.put("cacheable", remote.at("/metadata/gofeatureflag_cacheable").asBoolean(false));
      if (!"DISABLED".equals(local.reason().name())) {
        mine.put("value", JSON.valueToTree(local.value()));
        theirs.put("value", remote.path("value"));
      }
    }
    if (sameAnswer(mine, theirs)) {
      return null;
    }
    return key + ": engine " + mine + " relay " + theirs + " (HTTP " + response.statusCode() + ")";
  }

  private static boolean sameAnswer(Map<String, Object> mine, Map<String, Object> theirs) {
    for (Map.Entry<String, Object> field : mine.entrySet()) {
      Object other = theirs.get(field.getKey());
      if (field.getValue() instanceof JsonNode node && other instanceof JsonNode otherNode) {
        if (!node.equals((a, b) -> a.isNumber() && b.isNumber() ? Double.compare(a.doubleValue(), b.doubleValue()) : (a.equals(b) ? 0 : 1), otherNode)) {
          return false;
        }
      } else if (!java.util.Objects.equals(field.getValue(), other)) {
        return false;
      }
    }
    return true;
  }

  private HttpResponse<String> post(RelayProxy relay, String path, String body) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(relay.endpoint() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
