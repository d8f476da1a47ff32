package dev.flagrelay.internal.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.relay.CacheHitEvent;
import dev.flagrelay.internal.relay.ServedAnswer;
import dev.flagrelay.internal.relay.CollectorEvent;
import dev.flagrelay.internal.relay.FeatureEvent;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.InProcessEvent;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayDecodeException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.TrackingEvent;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Value;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
  // The relay's own handler fixtures, copied verbatim from thomaspoignant/go-feature-flag @ 3c7c30db,
  // cmd/relayproxy/testdata/ (mirrored in shared/contracts/relay-fixtures/).

  /** ofrep/responses/valid_evaluation.json */
  private static final String VALID_EVALUATION =
      """
      {
        "key": "number-flag",
        "value": 1,
        "reason": "DEFAULT",
        "variant": "Default",
        "metadata": {
          "gofeatureflag_cacheable": true
        }
      }
      """;

  /** ofrep/responses/percentage_flag_no_key_error.json */
  private static final String TARGETING_KEY_MISSING_ERROR =
      """
      {
        "errorCode": "TARGETING_KEY_MISSING",
        "errorDetails": "Error while evaluating the flag: flag-only-for-admin",
        "key": "flag-only-for-admin"
      }
      """;

  /** ofrep/responses/not_found.json */
  private static final String NOT_FOUND = "{\"message\":\"Not Found\"}";

  /** goff/flag_change/flag_change_with_config_change.json */
  private static final String FLAG_CHANGE =
      """
      {
        "hash": 2781898380,
        "flags": {
          "array-flag": 1051133493,
          "disable-flag": 903048676,
          "flag-only-for-admin": 3642521442,
          "new-admin-access": 4234071057,
          "number-flag": 1566608638,
          "targeting-key-rule": 4223863808,
          "test-flag-rule-apply": 3859871038,
          "test-flag-rule-apply-false": 1652367510,
          "test-flag-rule-not-apply": 370621622
        }
      }
      """;

  private static final Map<String, Object> META = meta();
  private final JsonCodec codec = new JsonCodec(META);
  private final ObjectMapper mapper = new ObjectMapper();

  /** The meta the provider builds: the application's exporter metadata plus provider and openfeature. */
  private static Map<String, Object> meta() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("env", "prod");
    meta.put("shard", 3);
    meta.put("provider", "java");
    meta.put("openfeature", true);
    return meta;
  }

  private JsonNode tree(byte[] json) throws IOException {
    return mapper.readTree(json);
  }

  private static byte[] bytes(String json) {
    return json.getBytes(UTF_8);
  }

  private JsonNode requestContext(ContextSnapshot context) throws IOException {
    return tree(codec.evaluationRequest(context)).get("context");
  }

  // Evaluation request (GOFF-REM-002, GOFF-CTX-001/002/006..009).

  @Test
  void evaluationRequest_wrapsAttributesUnderContext() throws IOException {
    JsonNode body = tree(codec.evaluationRequest(ContextSnapshot.EMPTY));

    assertThat(body.fieldNames()).toIterable().containsExactly("context");
    assertThat(body.get("context").isObject()).isTrue();
  }

  @Test
  void evaluationRequest_attributesFlatBesideTargetingKey() throws IOException {
    ImmutableContext context =
        new ImmutableContext(
            "d45e303a", Map.of("email", new Value("john.doe@gofeatureflag.org"), "age", new Value(30)));

    JsonNode sent = requestContext(ContextSnapshot.of(context));

    assertThat(sent.get("targetingKey").asText()).isEqualTo("d45e303a");
    assertThat(sent.get("email").asText()).isEqualTo("john.doe@gofeatureflag.org");
    assertThat(sent.get("age").isInt()).isTrue();
    assertThat(sent.get("age").asInt()).isEqualTo(30);
  }

  @Test
  void evaluationRequest_noTargetingKey_fieldOmitted() throws IOException {
    JsonNode sent = requestContext(ContextSnapshot.of(new ImmutableContext(Map.of("plan", new Value("pro")))));

    assertThat(sent.has("targetingKey")).isFalse();
    assertThat(sent.get("plan").asText()).isEqualTo("pro");
  }

  @Test
  void evaluationRequest_emptyTargetingKey_sentAsIs() throws IOException {
    JsonNode sent = requestContext(ContextSnapshot.ofAttributes(Map.of("targetingKey", "")));

    assertThat(sent.get("targetingKey").asText()).isEmpty();
  }

  @Test
  void evaluationRequest_instant_isIso8601() throws IOException {
    Instant signup = Instant.parse("2024-03-01T10:15:30Z");
    JsonNode sent = requestContext(ContextSnapshot.of(new ImmutableContext(Map.of("signup", new Value(signup)))));

    assertThat(sent.get("signup").asText()).isEqualTo("2024-03-01T10:15:30Z");
  }

  @Test
  void evaluationRequest_nestedStructureAndList_kept() throws IOException {
    Map<String, Value> company = Map.of("name", new Value("my_company"), "size", new Value(120));
    ImmutableContext context =
        new ImmutableContext(
            "u1",
            Map.of(
                "company_info", new Value(new ImmutableStructure(company)),
                "labels", new Value(List.of(new Value("pro"), new Value("beta")))));

    JsonNode sent = requestContext(ContextSnapshot.of(context));

    assertThat(sent.get("company_info").get("name").asText()).isEqualTo("my_company");
    assertThat(sent.get("company_info").get("size").asInt()).isEqualTo(120);
    assertThat(sent.get("labels")).extracting(JsonNode::asText).containsExactly("pro", "beta");
  }

  @Test
  void evaluationRequest_numbersKeepTheirPrecision() throws IOException {
    JsonNode sent =
        requestContext(ContextSnapshot.ofAttributes(Map.of("rate", 3.14, "big", 9_007_199_254_740_993L)));

    assertThat(sent.get("rate").asDouble()).isEqualTo(3.14);
    assertThat(sent.get("big").asLong()).isEqualTo(9_007_199_254_740_993L);
  }

  @Test
  void evaluationRequest_exporterMetadataNestedUnderGofeatureflag() throws IOException {
    JsonNode sent = requestContext(ContextSnapshot.EMPTY);

    JsonNode exporterMetadata = sent.get("gofeatureflag").get("exporterMetadata");
    assertThat(exporterMetadata.get("env").asText()).isEqualTo("prod");
    assertThat(exporterMetadata.get("shard").asInt()).isEqualTo(3);
    assertThat(exporterMetadata.get("provider").asText()).isEqualTo("java");
    assertThat(exporterMetadata.get("openfeature").asBoolean()).isTrue();
    assertThat(sent.has("exporterMetadata")).isFalse();
  }

  @Test
  void evaluationRequest_callerFlagListAndCurrentDateTime_survive() throws IOException {
    Map<String, Object> reserved = new LinkedHashMap<>();
    reserved.put("flagList", List.of("flag-a", "flag-b"));
    reserved.put("currentDateTime", "2024-01-01T00:00:00Z");
    JsonNode sent = requestContext(ContextSnapshot.ofAttributes(Map.of("gofeatureflag", reserved)));

    JsonNode gofeatureflag = sent.get("gofeatureflag");
    assertThat(gofeatureflag.get("flagList")).extracting(JsonNode::asText).containsExactly("flag-a", "flag-b");
    assertThat(gofeatureflag.get("currentDateTime").asText()).isEqualTo("2024-01-01T00:00:00Z");
    assertThat(gofeatureflag.get("exporterMetadata").get("provider").asText()).isEqualTo("java");
  }

  @Test
  void evaluationRequest_callerExporterMetadata_replacedNotMerged() throws IOException {
    Map<String, Object> reserved = Map.of("exporterMetadata", Map.of("spoofed", "yes"));
    JsonNode sent = requestContext(ContextSnapshot.ofAttributes(Map.of("gofeatureflag", reserved)));

    JsonNode exporterMetadata = sent.get("gofeatureflag").get("exporterMetadata");
    assertThat(exporterMetadata.has("spoofed")).isFalse();
    assertThat(exporterMetadata.get("env").asText()).isEqualTo("prod");
  }

  @Test
  void evaluationRequest_nonMapGofeatureflag_overwritten() throws IOException {
    JsonNode sent = requestContext(ContextSnapshot.ofAttributes(Map.of("gofeatureflag", "not-a-map")));

    JsonNode gofeatureflag = sent.get("gofeatureflag");
    assertThat(gofeatureflag.isObject()).isTrue();
    assertThat(gofeatureflag.fieldNames()).toIterable().containsExactly("exporterMetadata");
  }

  @Test
  void evaluationRequest_callerSnapshotUntouched() {
    Map<String, Object> reserved = Map.of("flagList", List.of("flag-a"));
    ContextSnapshot snapshot = ContextSnapshot.ofAttributes(Map.of("gofeatureflag", reserved));

    codec.evaluationRequest(snapshot);

    assertThat(snapshot.attributes().get("gofeatureflag")).isEqualTo(reserved);
  }

  // Evaluation answers (GOFF-REM-003, GOFF-EVAL-006..010).

  @Test
  void readEvaluation_relayFixture() throws Exception {
    RelayAnswer answer = codec.readEvaluation(bytes(VALID_EVALUATION));

    assertThat(answer.value()).isEqualTo(1);
    assertThat(answer.reason()).isEqualTo("DEFAULT");
    assertThat(answer.variant()).isEqualTo("Default");
    assertThat(answer.metadata()).containsExactly(Map.entry("gofeatureflag_cacheable", true));
    assertThat(answer.cacheable()).isTrue();
  }

  /** OFREP's failure shape under a 200: the error it names, never a value to serve or cache. */
  @Test
  void readEvaluation_errorCodeUnderA200_isThatError() {
    assertThatThrownBy(
            () ->
                codec.readEvaluation(
                    bytes(
                        "{\"key\":\"f\",\"value\":true,\"reason\":\"ERROR\",\"errorCode\":\"TARGETING_KEY_MISSING\","
                            + "\"errorDetails\":\"no key\",\"metadata\":{\"gofeatureflag_cacheable\":true}}")))
        .isInstanceOfSatisfying(
            RelayHttpException.class,
            e -> {
              assertThat(e.status()).isEqualTo(200);
              assertThat(e.errorCode()).isEqualTo("TARGETING_KEY_MISSING");
              assertThat(e.details()).isEqualTo("no key");
              assertThat(e.unavailable()).isFalse();
            });
  }

  @Test
  void readEvaluation_nullOrEmptyErrorCode_stillAnAnswer() throws Exception {
    RelayAnswer answer =
        codec.readEvaluation(bytes("{\"key\":\"f\",\"value\":true,\"reason\":\"STATIC\",\"errorCode\":null}"));
    RelayAnswer empty =
        codec.readEvaluation(bytes("{\"key\":\"f\",\"value\":true,\"reason\":\"STATIC\",\"errorCode\":\"\"}"));

    assertThat(answer.value()).isEqualTo(true);
    assertThat(empty.value()).isEqualTo(true);
  }

  @Test
  void readEvaluation_disabledFlag_nullValueWithReasonVariantAndMetadata() throws Exception {
    RelayAnswer answer =
        codec.readEvaluation(
            bytes(
                "{\"key\":\"disabled_bool\",\"value\":null,\"reason\":\"DISABLED\",\"variant\":\"SdkDefault\","
                    + "\"metadata\":{\"description\":\"off\",\"gofeatureflag_cacheable\":true}}"));

    assertThat(answer.value()).isNull();
    assertThat(answer.reason()).isEqualTo("DISABLED");
    assertThat(answer.variant()).isEqualTo("SdkDefault");
    assertThat(answer.metadata()).containsEntry("description", "off").containsEntry("gofeatureflag_cacheable", true);
  }

  @Test
  void readEvaluation_absentValue_readAsNull() throws Exception {
    RelayAnswer answer = codec.readEvaluation(bytes("{\"key\":\"f\",\"reason\":\"DISABLED\"}"));

    assertThat(answer.value()).isNull();
    assertThat(answer.variant()).isNull();
    assertThat(answer.metadata()).isEmpty();
  }

  @Test
  void readEvaluation_unknownReason_passedThroughVerbatim() throws Exception {
    RelayAnswer answer =
        codec.readEvaluation(bytes("{\"key\":\"f\",\"value\":true,\"reason\":\"TARGETING_MATCH_SPLIT\"}"));

    assertThat(answer.reason()).isEqualTo("TARGETING_MATCH_SPLIT");
  }

  @Test
  void readEvaluation_metadataScalars_keepTheirTypes() throws Exception {
    RelayAnswer answer =
        codec.readEvaluation(
            bytes(
                "{\"key\":\"f\",\"value\":true,\"metadata\":{\"description\":\"d\",\"count\":3,"
                    + "\"big\":3000000000,\"ratio\":0.5,\"beta\":false}}"));

    assertThat(answer.metadata())
        .containsOnly(
            Map.entry("description", "d"),
            Map.entry("count", 3),
            Map.entry("big", 3_000_000_000L),
            Map.entry("ratio", 0.5),
            Map.entry("beta", false));
    assertThat(answer.flagMetadata().getInteger("count")).isEqualTo(3);
    assertThat(answer.flagMetadata().getLong("big")).isEqualTo(3_000_000_000L);
    assertThat(answer.flagMetadata().getDouble("ratio")).isEqualTo(0.5);
    assertThat(answer.flagMetadata().getBoolean("beta")).isFalse();
  }

  @Test
  void readEvaluation_metadataNestedAndNull_dropped() throws Exception {
    RelayAnswer answer =
        codec.readEvaluation(
            bytes(
                "{\"key\":\"f\",\"value\":true,\"metadata\":{\"pr_link\":\"https://x\",\"owner\":{\"team\":\"core\"},"
                    + "\"tags\":[\"a\"],\"nothing\":null}}"));

    assertThat(answer.metadata()).containsOnlyKeys("pr_link");
  }

  @Test
  void readEvaluation_objectValue_immutableTree() throws Exception {
    RelayAnswer answer =
        codec.readEvaluation(bytes("{\"key\":\"f\",\"value\":{\"test\":\"test\",\"list\":[1,2.5,true]}}"));

    @SuppressWarnings("unchecked")
    Map<String, Object> value = (Map<String, Object>) answer.value();
    assertThat(value).containsEntry("test", "test");
    assertThat(value.get("list")).isEqualTo(List.of(1, 2.5, true));
    assertThatThrownBy(() -> value.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void readEvaluation_numberBeyondLong_keptAsBigInteger() throws Exception {
    RelayAnswer answer = codec.readEvaluation(bytes("{\"key\":\"f\",\"value\":18446744073709551616}"));

    assertThat(answer.value()).isEqualTo(new BigInteger("18446744073709551616"));
  }

  @Test
  void readEvaluation_notJson_decodeException() {
    assertThatThrownBy(() -> codec.readEvaluation(bytes("<html>502 Bad Gateway</html>")))
        .isInstanceOf(RelayDecodeException.class);
  }

  @Test
  void readEvaluation_truncated_decodeException() {
    assertThatThrownBy(() -> codec.readEvaluation(bytes("{\"key\":\"f\",\"value\":tr")))
        .isInstanceOf(RelayDecodeException.class);
  }

  @Test
  void readEvaluation_emptyBody_decodeException() {
    assertThatThrownBy(() -> codec.readEvaluation(new byte[0])).isInstanceOf(RelayDecodeException.class);
  }

  @Test
  void readEvaluation_jsonArray_decodeException() {
    assertThatThrownBy(() -> codec.readEvaluation(bytes("[1,2]"))).isInstanceOf(RelayDecodeException.class);
  }

  @Test
  void readEvaluation_nonStringVariantAndReason_readAsTheirText() throws Exception {
    RelayAnswer answer =
        codec.readEvaluation(bytes("{\"value\":true,\"variant\":1.50,\"reason\":7,\"metadata\":[]}"));

    assertThat(answer.variant()).isEqualTo("1.5");
    assertThat(answer.reason()).isEqualTo("7");
    assertThat(answer.metadata()).isEmpty();
  }

  @Test
  void readEvaluation_containerOrBooleanVariant_readAsTheirText() throws Exception {
    RelayAnswer answer =
        codec.readEvaluation(bytes("{\"value\":true,\"variant\":{\"a\":[1]},\"reason\":false}"));

    assertThat(answer.variant()).isEmpty();
    assertThat(answer.reason()).isEqualTo("false");
  }

  @Test
  void readEvaluation_repeatedFields_lastOneWins() throws Exception {
    RelayAnswer answer =
        codec.readEvaluation(
            bytes(
                "{\"value\":1,\"variant\":\"a\",\"metadata\":{\"x\":1,\"y\":2,\"y\":{}},"
                    + "\"value\":{\"k\":1,\"k\":2},\"variant\":null}"));

    assertThat(answer.value()).isEqualTo(Map.of("k", 2));
    assertThat(answer.variant()).isNull();
    assertThat(answer.metadata()).containsOnly(Map.entry("x", 1));
  }

  @Test
  void readEvaluation_repeatedMetadata_lastOneWins() throws Exception {
    RelayAnswer answer = codec.readEvaluation(bytes("{\"metadata\":{\"x\":1},\"value\":true,\"metadata\":5}"));

    assertThat(answer.metadata()).isEmpty();
  }

  @Test
  void readEvaluation_nullsInsideTheValue_kept() throws Exception {
    RelayAnswer answer = codec.readEvaluation(bytes("{\"value\":{\"a\":null,\"b\":[null,1e3,-0.0,[]]}}"));

    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("a", null);
    List<Object> list = new ArrayList<>();
    list.add(null);
    list.add(1000.0);
    list.add(-0.0);
    list.add(List.of());
    expected.put("b", list);
    assertThat(answer.value()).isEqualTo(expected);
    assertThat(List.copyOf(((Map<?, ?>) answer.value()).keySet())).isEqualTo(List.of("a", "b"));
  }

  @Test
  void readEvaluation_contentAfterTheObject_ignored() throws Exception {
    RelayAnswer answer = codec.readEvaluation(bytes("{\"value\":\"x\"} trailing"));

    assertThat(answer.value()).isEqualTo("x");
  }

  @Test
  void readEvaluation_bigIntegerMetadata_dropped() throws Exception {
    RelayAnswer answer =
        codec.readEvaluation(bytes("{\"value\":true,\"metadata\":{\"huge\":18446744073709551616,\"n\":-1}}"));

    assertThat(answer.metadata()).containsOnly(Map.entry("n", -1));
  }

  @Test
  void readEvaluation_notJson_messageNamesTheProblem() {
    assertThatThrownBy(() -> codec.readEvaluation(bytes("<html>")))
        .isInstanceOf(RelayDecodeException.class)
        .hasMessageStartingWith("evaluation: body is not valid JSON (Unexpected character ('<' (code 60))");
    assertThatThrownBy(() -> codec.readEvaluation(bytes("null")))
        .isInstanceOf(RelayDecodeException.class)
        .hasMessage("evaluation: body is not a JSON object");
    assertThatThrownBy(() -> codec.readEvaluation(new byte[0]))
        .isInstanceOf(RelayDecodeException.class)
        .hasMessage("evaluation: body is not a JSON object");
  }

  // Error bodies (contracts: {key,errorCode,errorDetails} or {message}).

  @Test
  void readError_errorCodeAndDetails() throws Exception {
    JsonCodec.ErrorBody error = codec.readError(bytes(TARGETING_KEY_MISSING_ERROR));

    assertThat(error.errorCode()).isEqualTo("TARGETING_KEY_MISSING");
    assertThat(error.details()).isEqualTo("Error while evaluating the flag: flag-only-for-admin");
  }

  @Test
  void readError_messageBody_readAsDetails() throws Exception {
    JsonCodec.ErrorBody error = codec.readError(bytes(NOT_FOUND));

    assertThat(error.errorCode()).isNull();
    assertThat(error.details()).isEqualTo("Not Found");
  }

  @Test
  void readError_notJson_bothNull() {
    assertThat(codec.readError(bytes("<html>Forbidden</html>"))).isEqualTo(JsonCodec.ErrorBody.NONE);
  }

  @Test
  void readError_emptyBody_bothNull() {
    assertThat(codec.readError(new byte[0])).isEqualTo(JsonCodec.ErrorBody.NONE);
  }

  // Flag changes.

  @Test
  void readFlagChanges_relayFixture_everyFlagWithItsHash() throws Exception {
    FlagChanges changes =
        codec.readFlagChanges(bytes(FLAG_CHANGE), "\"123-abc\"");

    assertThat(changes.modified()).isTrue();
    assertThat(changes.etag()).isEqualTo("\"123-abc\"");
    assertThat(changes.flagHashes()).hasSize(9).containsEntry("array-flag", 1_051_133_493L);
  }

  @Test
  void readFlagChanges_uint32HashesAbove2pow31_survive() throws Exception {
    FlagChanges changes =
        codec.readFlagChanges(bytes(FLAG_CHANGE), null);

    assertThat(changes.flagHashes())
        .containsEntry("flag-only-for-admin", 3_642_521_442L)
        .containsEntry("new-admin-access", 4_234_071_057L)
        .containsEntry("targeting-key-rule", 4_223_863_808L);
  }

  /** Relays before v1.37.0 send only the top-level hash. */
  @Test
  void readFlagChanges_hashOnly_notPerFlagWithTheHash() throws Exception {
    FlagChanges changes = codec.readFlagChanges(bytes("{\"hash\":4234071057}"), null);

    assertThat(changes.perFlag()).isFalse();
    assertThat(changes.hash()).isEqualTo(4_234_071_057L);
    assertThat(changes.flagHashes()).isEmpty();
  }

  @Test
  void readFlagChanges_withFlags_perFlagWithTheHash() throws Exception {
    FlagChanges changes = codec.readFlagChanges(bytes("{\"hash\":7,\"flags\":{}}"), null);

    assertThat(changes.perFlag()).isTrue();
    assertThat(changes.hash()).isEqualTo(7L);
  }

  @Test
  void readFlagChanges_flagsNotAnObject_decodeException() {
    assertThatThrownBy(() -> codec.readFlagChanges(bytes("{\"flags\":[1,2]}"), null))
        .isInstanceOf(RelayDecodeException.class);
  }

  @Test
  void readFlagChanges_notJson_decodeException() {
    assertThatThrownBy(() -> codec.readFlagChanges(bytes("not json"), null)).isInstanceOf(RelayDecodeException.class);
  }

  // Collector envelope (GOFF-COLL-002..012, GOFF-TRACK-004/005).

  private static ServedAnswer served(String flagKey, Map<String, Object> context, RelayAnswer answer) {
    record Served(String flagKey, ContextSnapshot context, RelayAnswer answer) implements ServedAnswer {}
    return new Served(flagKey, ContextSnapshot.ofAttributes(context), answer);
  }

  private static FeatureEvent featureEvent() {
    return new FeatureEvent(
        "user", "u1", 1_680_246_000L, "my-flag", "on", Map.of("color", "blue"), false, "v7", "PROVIDER_CACHE");
  }

  @Test
  void collectorEnvelope_topLevelIsMetaAndEvents() throws IOException {
    JsonNode envelope = tree(codec.collectorEnvelope(List.of(featureEvent())));

    assertThat(envelope.fieldNames()).toIterable().containsExactlyInAnyOrder("meta", "events");
  }

  @Test
  void collectorEnvelope_metaHasProviderOpenfeatureAndExporterMetadata() throws IOException {
    JsonNode meta = tree(codec.collectorEnvelope(List.of())).get("meta");

    assertThat(meta.get("provider").asText()).isEqualTo("java");
    assertThat(meta.get("openfeature").isBoolean()).isTrue();
    assertThat(meta.get("openfeature").asBoolean()).isTrue();
    assertThat(meta.get("env").asText()).isEqualTo("prod");
    assertThat(meta.get("shard").asInt()).isEqualTo(3);
  }

  @Test
  void collectorEnvelope_featureEvent_exactlyTheCollectorFields() throws IOException {
    JsonNode event = tree(codec.collectorEnvelope(List.of(featureEvent()))).get("events").get(0);

    List<String> fields = new ArrayList<>();
    event.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactlyInAnyOrder(
            "kind", "contextKind", "userKey", "creationDate", "key", "variation", "value", "default", "version",
            "source");
  }

  @Test
  void collectorEnvelope_featureEvent_values() throws IOException {
    JsonNode event = tree(codec.collectorEnvelope(List.of(featureEvent()))).get("events").get(0);

    assertThat(event.get("kind").asText()).isEqualTo("feature");
    assertThat(event.get("contextKind").asText()).isEqualTo("user");
    assertThat(event.get("userKey").asText()).isEqualTo("u1");
    assertThat(event.get("creationDate").isIntegralNumber()).isTrue();
    assertThat(event.get("creationDate").asLong()).isEqualTo(1_680_246_000L);
    assertThat(event.get("key").asText()).isEqualTo("my-flag");
    assertThat(event.get("variation").asText()).isEqualTo("on");
    assertThat(event.get("value").get("color").asText()).isEqualTo("blue");
    assertThat(event.get("default").isBoolean()).isTrue();
    assertThat(event.get("default").asBoolean()).isFalse();
    assertThat(event.get("version").asText()).isEqualTo("v7");
    assertThat(event.get("source").asText()).isEqualTo("PROVIDER_CACHE");
  }

  @Test
  void collectorEnvelope_failedFeatureEvent_defaultTrue() throws IOException {
    FeatureEvent failed =
        new FeatureEvent("anonymousUser", "undefined-targetingKey", 1L, "f", "SdkDefault", false, true, "", "PROVIDER_CACHE");

    JsonNode event = tree(codec.collectorEnvelope(List.of(failed))).get("events").get(0);

    assertThat(event.get("default").asBoolean()).isTrue();
    assertThat(event.get("contextKind").asText()).isEqualTo("anonymousUser");
    assertThat(event.get("variation").asText()).isEqualTo("SdkDefault");
  }

  @Test
  void collectorEnvelope_trackingEvent() throws IOException {
    TrackingEvent tracking =
        new TrackingEvent(
            "user", "u1", 1_680_246_020L, "checkout", Map.of("targetingKey", "u1", "plan", "pro"), Map.of("value", 99.5));

    JsonNode event = tree(codec.collectorEnvelope(List.of(tracking))).get("events").get(0);

    List<String> fields = new ArrayList<>();
    event.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactlyInAnyOrder(
            "kind", "contextKind", "userKey", "creationDate", "key", "evaluationContext", "trackingEventDetails");
    assertThat(event.get("kind").asText()).isEqualTo("tracking");
    assertThat(event.get("key").asText()).isEqualTo("checkout");
    assertThat(event.get("evaluationContext").get("plan").asText()).isEqualTo("pro");
    assertThat(event.get("trackingEventDetails").get("value").asDouble()).isEqualTo(99.5);
  }

  @Test
  void collectorEnvelope_eventsKeepTheirOrder() throws IOException {
    List<FeatureEvent> events = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      events.add(new FeatureEvent("user", "u", 1L, "flag-" + i, "v", true, false, "", "PROVIDER_CACHE"));
    }

    JsonNode sent = tree(codec.collectorEnvelope(events)).get("events");

    assertThat(sent).extracting(event -> event.get("key").asText())
        .containsExactly("flag-0", "flag-1", "flag-2", "flag-3", "flag-4");
  }

  @Test
  void collectorEnvelope_cacheHit_encodesLikeTheEquivalentFeatureEvent() throws IOException {
    ServedAnswer served =
        served("my-flag", Map.of("targetingKey", "u1"), new RelayAnswer(Map.of("color", "blue"), "on", "TARGETING_MATCH", Map.of("version", "v7")));
    CacheHitEvent hit = new CacheHitEvent(served, 1_690_000_123L);

    JsonNode fromHit = tree(codec.collectorEnvelope(List.of(hit))).get("events").get(0);
    JsonNode fromEvent = tree(codec.collectorEnvelope(List.of(hit.toFeatureEvent()))).get("events").get(0);

    assertThat(fromHit).isEqualTo(fromEvent);
    assertThat(fromHit.get("creationDate").isIntegralNumber()).isTrue();
    assertThat(fromHit.get("creationDate").asLong()).isEqualTo(1_690_000_123L);
    assertThat(fromHit.get("value").get("color").asText()).isEqualTo("blue");
  }

  @Test
  void collectorEnvelope_hitsSharingOneAnswer_eachKeepTheirDateAndOrderAmongOtherEvents() throws IOException {
    ServedAnswer served =
        served("my-flag", Map.of("targetingKey", "u\"1"), new RelayAnswer(List.of(1, "two", Map.of("x", true)), "on", null, Map.of()));
    TrackingEvent tracking = new TrackingEvent("user", "u1", 7L, "checkout", Map.of("targetingKey", "u1"), Map.of());
    List<CollectorEvent> events =
        List.of(new CacheHitEvent(served, 5L), tracking, new CacheHitEvent(served, 6L), featureEvent());

    JsonNode sent = tree(codec.collectorEnvelope(events)).get("events");

    assertThat(sent).extracting(event -> event.get("kind").asText())
        .containsExactly("feature", "tracking", "feature", "feature");
    assertThat(sent).extracting(event -> event.get("creationDate").asLong()).containsExactly(5L, 7L, 6L, 1_680_246_000L);
    assertThat(sent.get(0).get("userKey").asText()).isEqualTo("u\"1");
    assertThat(sent.get(2).get("value")).isEqualTo(sent.get(0).get("value"));
    assertThat(sent.get(2).get("value").get(2).get("x").asBoolean()).isTrue();
  }

  @Test
  void collectorEnvelope_inProcessEvents_byteForByteTheEnvelopeOfTheEquivalentFeatureEvents() {
    Map<String, Object> objectValue = new LinkedHashMap<>();
    objectValue.put("colour", "bleu é 🚀");
    objectValue.put("sizes", List.of(1L, 2.5, Map.of("nested", List.of())));
    objectValue.put("none", null);
    FeatureEvent onTrue = FeatureEvent.evaluatedInProcess("bench-flag", "on", true, "3");
    FeatureEvent object = FeatureEvent.evaluatedInProcess("clé \"objet\"", "var\u00e9", objectValue, "");
    List<CollectorEvent> events =
        List.of(
            new InProcessEvent(onTrue, "user", "user-1", 1_690_000_000L),
            new InProcessEvent(object, "anonymousUser", "🚀 \"quoted\" back\\slash \u0001 tab\t é", 1_690_000_001L),
            new TrackingEvent("user", "u1", 7L, "checkout", Map.of("targetingKey", "u1"), Map.of()),
            new InProcessEvent(onTrue, "anonymousUser", "user-2", 1_690_000_001L),
            new InProcessEvent(FeatureEvent.evaluatedInProcess("n", "big", 1.0e300, "v1.2"), "user", "", 0L),
            featureEvent(),
            new CacheHitEvent(
                served("my-flag", Map.of("targetingKey", "u1"), new RelayAnswer(Map.of("color", "blue"), "on", "TARGETING_MATCH", Map.of("version", "v7"))),
                5L),
            new InProcessEvent(object, "user", "undefined-targetingKey", Long.MAX_VALUE));
    List<CollectorEvent> asFeatureEvents =
        events.stream().map(event -> event instanceof InProcessEvent local ? local.toFeatureEvent() : event).toList();

    String compact = new String(codec.collectorEnvelope(events), UTF_8);
    String full = new String(codec.collectorEnvelope(asFeatureEvents), UTF_8);

    assertThat(compact).isEqualTo(full);
  }

  @Test
  void collectorEnvelope_inProcessEvent_theFieldsTheRelayExpects() {
    InProcessEvent event =
        new InProcessEvent(FeatureEvent.evaluatedInProcess("bench-flag", "on", true, "3"), "user", "user-1", 1_690_000_000L);

    String sent = new String(codec.collectorEnvelope(List.of(event)), UTF_8);

    assertThat(sent)
        .endsWith(
            "\"events\":[{\"kind\":\"feature\",\"contextKind\":\"user\",\"userKey\":\"user-1\",\"key\":\"bench-flag\","
                + "\"variation\":\"on\",\"value\":true,\"default\":false,\"version\":\"3\",\"source\":\"INPROCESS\","
                + "\"creationDate\":1690000000}]}");
  }
}
