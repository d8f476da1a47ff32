package dev.flagrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagrelay.engine.ErrorCode;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The Java engine against the real relay proxy as oracle: generated flags (written as the relay's
 * flag file), a generated {@code evaluationContextEnrichment} (in the relay's config file) and
 * generated contexts (dates pinned with {@code gofeatureflag.currentDateTime}); the engine
 * evaluates the relay's own {@code /v1/flag/configuration}, the relay answers over OFREP; value,
 * variant, reason, error code, {@code gofeatureflag_cacheable} and the rest of the metadata
 * ({@code evaluatedRuleName} and the flag's own) must be equal. Flags the relay refuses at load
 * time are not in its configuration: both sides answer {@code FLAG_NOT_FOUND}, they are counted
 * and checked in {@link #relayRefusedFlagsAreNotFoundOnBothSidesAndTheEngineAloneNeverFails};
 * every run adds one flag of each kind engine/README.md lists as refused.
 *
 * <p>Properties: {@code differential.seed} (replay a run; printed on failure), {@code
 * differential.runs} (consecutive seeds from it, one relay each, default 1), {@code
 * differential.flags} and {@code differential.contexts} (default 100 × 80 = 8,000 pairs per run
 * before refused flags), {@code differential.queries} (default true). A longer run: {@code
 * -Ddifferential.runs=5 -Ddifferential.flags=200 -Ddifferential.contexts=150}.
 */
class RealRelayEngineDifferentialIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CACHEABLE = "gofeatureflag_cacheable";
  private static final int SHOWN_DIFFERENCES = 20;

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
    long firstSeed = Long.getLong("differential.seed", System.nanoTime());
    int runs = Integer.getInteger("differential.runs", 1);
    for (long seed = firstSeed; seed < firstSeed + runs; seed++) {
      Run run = run(seed, Integer.getInteger("differential.contexts", 80));
      assertThat(run.differences)
          .as("seed %d (replay with -Ddifferential.seed=%d), %d pairs compared, %d differences", seed, seed, run.compared, run.differing)
          .isEmpty();
      assertThat(run.refusedNotFound).as("seed %d: refused flags answered FLAG_NOT_FOUND by the relay", seed).isEqualTo(run.refused);
      System.out.println(run.summary());
    }
  }

  @Test
  void relayRefusedFlagsAreNotFoundOnBothSidesAndTheEngineAloneNeverFails() throws Exception {
    long seed = Long.getLong("differential.seed", System.nanoTime());
    Run run = run(seed, 0);
    Map<String, Map.Entry<Map<String, Object>, String>> documented = GeneratedFlags.refusedByTheRelay();
    assertThat(run.refusedKeys).as("seed %d: the relay refuses each kind engine/README.md lists", seed).containsAll(documented.keySet());
    assertThat(run.refusedNotFound).as("seed %d: relay answers for refused flags", seed).isEqualTo(run.refused);
    documented.forEach((key, flag) -> assertThat(run.verdicts.get(key))
        .as("seed %d: the engine's verdict on %s, given it directly (engine/README.md)", seed, key)
        .isEqualTo(flag.getValue()));
    assertThat(run.refusedEngineVerdicts.keySet())
        .as("seed %d: the engine's verdicts on the refused flags it is given directly", seed)
        .allMatch(verdict -> !verdict.startsWith("ERROR/GENERAL"));
    System.out.println("seed " + seed + ": " + run.refused + " refused flags, engine verdicts " + run.refusedEngineVerdicts);
  }

  private Run run(long seed, int contextCount) throws Exception {
    int flagCount = Integer.getInteger("differential.flags", 100);
    boolean queries = Boolean.parseBoolean(System.getProperty("differential.queries", "true"));
    GeneratedFlags generator = new GeneratedFlags(seed, queries);
    Map<String, Object> enrichment = generator.enrichment();
    Map<String, Object> flags = new LinkedHashMap<>();
    for (int i = 0; i < flagCount; i++) {
      flags.put("flag-" + i, generator.flag());
    }
    GeneratedFlags.refusedByTheRelay().forEach((key, flag) -> flags.put(key, flag.getKey()));
    Run run = new Run(seed, enrichment);
    Path flagFile = Files.createTempFile("differential-", ".yaml");
    Files.writeString(flagFile, JSON.writeValueAsString(flags));
    try (RelayProxy relay = RelayProxy.serving(flagFile).enrichment(enrichment).start()) {
      FlagConfiguration configuration = FlagConfiguration.parse(post(relay, "/v1/flag/configuration", "{}").body());
      assertThat(configuration.unsupportedFlags()).as("seed " + seed).isEmpty();
      assertThat(sameJson(JSON.valueToTree(configuration.evaluationContextEnrichment()), JSON.valueToTree(enrichment)))
          .as("seed %d: enrichment served %s, configured %s", seed, configuration.evaluationContextEnrichment(), enrichment)
          .isTrue();
      run.served = configuration.evaluableFlags().size();
      assertThat(run.served).as("flags the relay serves, seed %d; relay log:%n%s", seed, relay.log()).isGreaterThan(flagCount / 2);
      checkRefused(relay, configuration, flags, run);
      for (int c = 0; c < contextCount; c++) {
        Map<String, Object> context = generator.context();
        Instant now = Instant.now();
        for (String key : configuration.evaluableFlags()) {
          run.compared++;
          String difference = compare(relay, configuration, key, context, now, run);
          if (difference != null) {
            run.differing++;
            if (run.differences.size() < SHOWN_DIFFERENCES && run.differingFlags.add(key)) {
              run.differences.add(difference + "\n  flag " + JSON.writeValueAsString(flags.get(key)) + "\n  context " + JSON.writeValueAsString(context));
            }
          }
        }
      }
    } finally {
      Files.deleteIfExists(flagFile);
    }
    assertThat(run.compared).isEqualTo(run.served * contextCount);
    return run;
  }

  /** Flags the relay did not load: FLAG_NOT_FOUND there and in the engine; what the engine says given them directly. */
  private void checkRefused(RelayProxy relay, FlagConfiguration configuration, Map<String, Object> flags, Run run)
      throws IOException, InterruptedException {
    Map<String, Object> context = Map.of("targetingKey", "user-1", "gofeatureflag", Map.of("currentDateTime", "2024-01-10T00:00:00Z"));
    for (Map.Entry<String, Object> flag : flags.entrySet()) {
      if (configuration.contains(flag.getKey())) {
        continue;
      }
      run.refused++;
      run.refusedKeys.add(flag.getKey());
      JsonNode remote = JSON.readTree(evaluateRemotely(relay, flag.getKey(), context).body());
      EvaluationResult local = configuration.evaluate(flag.getKey(), EvaluationContext.of("user-1", context), null, Instant.now());
      if ("FLAG_NOT_FOUND".equals(remote.path("errorCode").asText()) && local.errorCode() == ErrorCode.FLAG_NOT_FOUND) {
        run.refusedNotFound++;
      }
      ObjectNode alone = JSON.createObjectNode();
      alone.putObject("flags").set(flag.getKey(), JSON.valueToTree(flag.getValue()));
      FlagConfiguration direct = FlagConfiguration.parse(JSON.writeValueAsString(alone));
      EvaluationResult verdict = direct.evaluate(flag.getKey(), EvaluationContext.of("user-1", context), null, Instant.now());
      run.refusedEngineVerdicts.merge(verdict.reason() + (verdict.failed() ? "/" + verdict.errorCode() : ""), 1, Integer::sum);
      run.verdicts.put(flag.getKey(), verdict.reason() + "/" + (verdict.failed() ? verdict.errorCode() : "-") + "/" + verdict.variant());
    }
  }

  private String compare(
      RelayProxy relay, FlagConfiguration configuration, String key, Map<String, Object> context, Instant now, Run run)
      throws IOException, InterruptedException {
    HttpResponse<String> response = evaluateRemotely(relay, key, context);
    JsonNode remote = JSON.readTree(response.body());
    Map<String, Object> attributes = new LinkedHashMap<>(context);
    Object targetingKey = attributes.remove("targetingKey");
    EvaluationResult local = configuration.evaluate(key, EvaluationContext.of((String) targetingKey, attributes), null, now);
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
      theirs.put("cacheable", remote.at("/metadata/" + CACHEABLE).asBoolean(false));
      mine.put("metadata", JSON.valueToTree(local.metadata()));
      theirs.put("metadata", metadataWithoutCacheable(remote.path("metadata")));
      if (!"DISABLED".equals(local.reason().name())) {
        mine.put("value", JSON.valueToTree(local.value()));
        theirs.put("value", remote.path("value"));
      }
    }
    run.outcomes.merge(local.failed() ? "ERROR/" + local.errorCode() : local.reason().name(), 1, Integer::sum);
    if (local.metadata().containsKey("evaluatedRuleName")) {
      run.outcomes.merge("evaluatedRuleName", 1, Integer::sum);
    }
    if (sameAnswer(mine, theirs)) {
      return null;
    }
    return key + ": engine " + mine + " relay " + theirs + " (HTTP " + response.statusCode() + ")";
  }

  private static JsonNode metadataWithoutCacheable(JsonNode metadata) {
    ObjectNode copy = metadata instanceof ObjectNode object ? object.deepCopy() : JSON.createObjectNode();
    copy.remove(CACHEABLE);
    return copy;
  }

  private static boolean sameAnswer(Map<String, Object> mine, Map<String, Object> theirs) {
    for (Map.Entry<String, Object> field : mine.entrySet()) {
      Object other = theirs.get(field.getKey());
      if (field.getValue() instanceof JsonNode node && other instanceof JsonNode otherNode) {
        if (!sameJson(node, otherNode)) {
          return false;
        }
      } else if (!Objects.equals(field.getValue(), other)) {
        return false;
      }
    }
    return true;
  }

  /** Equal JSON, numbers compared by value ({@code 7} and {@code 7.0} are the same number). */
  private static boolean sameJson(JsonNode mine, JsonNode theirs) {
    return mine.equals((a, b) -> a.isNumber() && b.isNumber() ? Double.compare(a.doubleValue(), b.doubleValue()) : (a.equals(b) ? 0 : 1), theirs);
  }

  private HttpResponse<String> evaluateRemotely(RelayProxy relay, String key, Map<String, Object> context)
      throws IOException, InterruptedException {
    return post(relay, "/ofrep/v1/evaluate/flags/" + URLEncoder.encode(key, StandardCharsets.UTF_8), JSON.writeValueAsString(Map.of("context", context)));
  }

  private HttpResponse<String> post(RelayProxy relay, String path, String body) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(relay.endpoint() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** What one seed's run compared and found. */
  private static final class Run {
    final long seed;
    final Map<String, Object> enrichment;
    /** The first difference of each differing flag, up to {@link #SHOWN_DIFFERENCES}. */
    final List<String> differences = new ArrayList<>();
    final Set<String> differingFlags = new HashSet<>();
    final Map<String, Integer> outcomes = new TreeMap<>();
    final Map<String, Integer> refusedEngineVerdicts = new TreeMap<>();
    final Set<String> refusedKeys = new HashSet<>();
    final Map<String, String> verdicts = new HashMap<>();
    int served;
    int compared;
    int differing;
    int refused;
    int refusedNotFound;

    Run(long seed, Map<String, Object> enrichment) {
      this.seed = seed;
      this.enrichment = enrichment;
    }

    String summary() {
      return String.format(
          "differential seed %d: %d pairs compared, 0 differences (%d flags served, %d refused by the relay and skipped; enrichment %s; outcomes %s)",
          seed, compared, served, refused, enrichment, outcomes);
    }
  }
}
