package dev.flagrelay.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.flagrelay.it.WireMockRelay.EVALUATE_PATH;
import static dev.flagrelay.it.WireMockRelay.FLAG_CHANGE_PATH;
import static dev.flagrelay.it.WireMockRelay.cacheable;
import static dev.flagrelay.it.WireMockRelay.notCacheable;
import static dev.flagrelay.it.WireMockRelay.status;
import static dev.flagrelay.it.WireMockRelay.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.OpenFeatureError;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Remote evaluation against a WireMock relay: what the provider sends (URL, body, headers) and
 * how it reads every answer the relay (or a gateway in front of it) can give.
 */
@ExtendWith(LeakCheck.class)
class WireMockEvaluationIT {
  private static final EvaluationContext USER = new ImmutableContext("user-1");

  private static WireMockRelay relay;
  private OpenFeatureAPI api;

  @BeforeAll
  static void startServer() {
    relay = new WireMockRelay();
  }

  @AfterAll
  static void stopServer() {
    relay.close();
  }

  @BeforeEach
  void reset() {
    relay.reset();
    api = OpenFeatureAPI.createIsolated();
  }

  @AfterEach
  void shutDownApi() {
    api.shutdown();
  }

  private static GoFeatureFlagProviderOptions.Builder options() {
    return GoFeatureFlagProviderOptions.builder().endpoint(relay.baseUrl()).timeout(Duration.ofSeconds(2));
  }

  private Client connect(UnaryOperator<GoFeatureFlagProviderOptions.Builder> customise) {
    api.setProviderAndWait(new GoFeatureFlagProvider(customise.apply(options()).build()));
    return api.getClient();
  }

  private Client connect() {
    return connect(UnaryOperator.identity());
  }

  private static void assertSuccess(FlagEvaluationDetails<?> details, Object value) {
    assertThat(details.getValue()).isEqualTo(value);
    assertThat(details.getErrorCode()).isNull();
    assertThat(details.getErrorMessage()).isNull();
  }

  // ---- URL ----

  @Test
  void endpointWithPathPrefix_evaluationKeepsPrefix() {
    relay.stubFlagChange("/goff");
    relay.stubCollector("/goff");
    relay.server().stubFor(
        post(urlEqualTo("/goff" + EVALUATE_PATH + "my-flag"))
            .willReturn(cacheable("my-flag", "true")));

    Client client = connect(o -> o.endpoint(relay.baseUrl() + "/goff/"));
    assertSuccess(client.getBooleanDetails("my-flag", false, USER), true);
    client.getBooleanDetails("my-flag", false, USER); // A cache hit, for the collector.
    api.shutdown();

    relay.server().verify(1, postRequestedFor(urlEqualTo("/goff" + EVALUATE_PATH + "my-flag")));
    relay.server().verify(1, getRequestedFor(urlEqualTo("/goff" + FLAG_CHANGE_PATH)));
    relay.server().verify(1, postRequestedFor(urlEqualTo("/goff" + WireMockRelay.COLLECTOR_PATH)));
  }

  static Stream<Arguments> awkwardFlagKeys() {
    return Stream.of(
        Arguments.of("with space", "with%20space"),
        Arguments.of("a/b", "a%2Fb"),
        Arguments.of("what?x=1", "what%3Fx=1"),
        Arguments.of("hash#tag", "hash%23tag"),
        Arguments.of("percent%20", "percent%2520"),
        Arguments.of("ünï😀", "%C3%BCn%C3%AF%F0%9F%98%80"));
  }

  @ParameterizedTest(name = "[{0}] as {1}")
  @MethodSource("awkwardFlagKeys")
  void awkwardFlagKey_reachesRelayAsOneEncodedPathSegment(String flagKey, String encoded) {
    relay.stubAnyEvaluation(notCacheable("any", "\"served\""));

    FlagEvaluationDetails<String> details = connect().getStringDetails(flagKey, "default", USER);

    assertSuccess(details, "served");
    assertThat(relay.evaluationRequests()).singleElement().satisfies(request -> {
      String segment = request.getUrl().substring(EVALUATE_PATH.length());
      assertThat(request.getUrl()).startsWith(EVALUATE_PATH);
      assertThat(segment).isEqualTo(encoded).doesNotContain("/", "?", "#");
      assertThat(URI.create("http://relay/" + segment).getPath()).isEqualTo("/" + flagKey);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {".", ".."})
  void dotSegmentFlagKey_isFlagNotFoundWithoutRequest(String flagKey) {
    relay.stubAnyEvaluation(notCacheable("any", "true"));

    FlagEvaluationDetails<Boolean> details = connect().getBooleanDetails(flagKey, false, USER);

    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
    assertThat(relay.evaluationRequests()).isEmpty();
  }

  // ---- request body ----

  @Test
  void requestBody_carriesFlatContextWithIsoInstantNestingAndExporterMetadata() {
    relay.stubEvaluation("my-flag", notCacheable("my-flag", "true"));
    Map<String, Value> attributes = new HashMap<>();
    attributes.put("email", new Value("john@example.com"));
    attributes.put("age", new Value(30));
    attributes.put("rate", new Value(3.14));
    attributes.put("admin", new Value(true));
    attributes.put("signup", new Value(Instant.parse("2026-01-02T03:04:05Z")));
    attributes.put(
        "company",
        new Value(new ImmutableStructure(Map.of(
            "name", new Value("acme"),
            "address", new Value(new ImmutableStructure(Map.of("city", new Value("Paris"))))))));
    attributes.put("labels", new Value(List.of(new Value("pro"), new Value(1), new Value(true))));
    attributes.put(
        "gofeatureflag",
        new Value(new ImmutableStructure(Map.of(
            "flagList", new Value(List.of(new Value("my-flag"))),
            "currentDateTime", new Value("2026-01-01T00:00:00Z"),
            "exporterMetadata", new Value(new ImmutableStructure(Map.of("caller", new Value("overwritten"))))))));
    Client client = connect(o -> o.exporterMetadata(Map.of("env", "it", "build", 42)));

    client.getBooleanDetails("my-flag", false, new ImmutableContext("user-1", attributes));

    relay.server().verify(postRequestedFor(urlEqualTo(EVALUATE_PATH + "my-flag"))
        .withHeader("Content-Type", matching("application/json.*"))
        .withRequestBody(equalToJson("""
            {"context": {
              "targetingKey": "user-1",
              "email": "john@example.com",
              "age": 30,
              "rate": 3.14,
              "admin": true,
              "signup": "2026-01-02T03:04:05Z",
              "company": {"name": "acme", "address": {"city": "Paris"}},
              "labels": ["pro", 1, true],
              "gofeatureflag": {
                "flagList": ["my-flag"],
                "currentDateTime": "2026-01-01T00:00:00Z",
                "exporterMetadata": {"provider": "java", "openfeature": true, "env": "it", "build": 42}
              }
            }}""", false, false)));
  }

  @Test
  void contextWithoutTargetingKey_isSentWithoutItAndNotRejectedLocally() {
    relay.stubEvaluation("my-flag", notCacheable("my-flag", "true"));

    FlagEvaluationDetails<Boolean> details =
        connect().getBooleanDetails("my-flag", false, new ImmutableContext(Map.of("email", new Value("a@b.c"))));

    assertSuccess(details, true);
    relay.server().verify(postRequestedFor(urlEqualTo(EVALUATE_PATH + "my-flag"))
        .withRequestBody(equalToJson("""
            {"context": {"email": "a@b.c",
              "gofeatureflag": {"exporterMetadata": {"provider": "java", "openfeature": true}}}}""",
            false, false)));
  }

  @Test
  void emptyTargetingKey_isSentAsIs() {
    relay.stubEvaluation("my-flag", notCacheable("my-flag", "true"));

    FlagEvaluationDetails<Boolean> details = connect().getBooleanDetails("my-flag", false, new ImmutableContext(""));

    assertSuccess(details, true);
    relay.server().verify(postRequestedFor(urlEqualTo(EVALUATE_PATH + "my-flag"))
        .withRequestBody(equalToJson("""
            {"context": {"targetingKey": "",
              "gofeatureflag": {"exporterMetadata": {"provider": "java", "openfeature": true}}}}""",
            false, false)));
  }

  @Test
  void emptyContext_isSentAsObjectNeverNull() {
    relay.stubEvaluation("my-flag", notCacheable("my-flag", "true"));

    connect().getBooleanDetails("my-flag", false);

    relay.server().verify(postRequestedFor(urlEqualTo(EVALUATE_PATH + "my-flag"))
        .withRequestBody(equalToJson("""
            {"context": {"gofeatureflag": {"exporterMetadata": {"provider": "java", "openfeature": true}}}}""",
            false, false)));
  }

  // ---- headers ----

  @Test
  void apiKeySet_everyRequestCarriesBearerToken() {
    relay.stubEvaluation("my-flag", notCacheable("my-flag", "true"));

    connect(o -> o.apiKey("secret-key")).getBooleanDetails("my-flag", false, USER);

    relay.server().verify(postRequestedFor(urlEqualTo(EVALUATE_PATH + "my-flag"))
        .withHeader("Authorization", equalTo("Bearer secret-key")));
    relay.server().verify(getRequestedFor(urlEqualTo(FLAG_CHANGE_PATH))
        .withHeader("Authorization", equalTo("Bearer secret-key")));
  }

  @Test
  void apiKeyUnset_noAuthorizationHeader() {
    relay.stubEvaluation("my-flag", notCacheable("my-flag", "true"));

    connect().getBooleanDetails("my-flag", false, USER);

    relay.server().verify(postRequestedFor(urlEqualTo(EVALUATE_PATH + "my-flag")).withHeader("Authorization", absent()));
    relay.server().verify(getRequestedFor(urlEqualTo(FLAG_CHANGE_PATH)).withHeader("Authorization", absent()));
  }

  @Test
  void apiKeyEmpty_noAuthorizationHeader() {
    relay.stubEvaluation("my-flag", notCacheable("my-flag", "true"));

    connect(o -> o.apiKey("")).getBooleanDetails("my-flag", false, USER);

    relay.server().verify(postRequestedFor(urlEqualTo(EVALUATE_PATH + "my-flag")).withHeader("Authorization", absent()));
  }

  @Test
  void customHeaders_areSentOnEveryRequest() {
    relay.stubEvaluation("my-flag", notCacheable("my-flag", "true"));

    connect(o -> o.header("X-Gateway-Token", "gw-123").headers(Map.of("X-Tenant", "acme")))
        .getBooleanDetails("my-flag", false, USER);

    relay.server().verify(postRequestedFor(urlEqualTo(EVALUATE_PATH + "my-flag"))
        .withHeader("X-Gateway-Token", equalTo("gw-123"))
        .withHeader("X-Tenant", equalTo("acme")));
    relay.server().verify(getRequestedFor(urlEqualTo(FLAG_CHANGE_PATH))
        .withHeader("X-Gateway-Token", equalTo("gw-123"))
        .withHeader("X-Tenant", equalTo("acme")));
  }

  @Test
  void everyRequest_hasFlagrelayUserAgent() {
    relay.stubEvaluation("my-flag", notCacheable("my-flag", "true"));

    connect().getBooleanDetails("my-flag", false, USER);

    relay.server().verify(postRequestedFor(urlEqualTo(EVALUATE_PATH + "my-flag"))
        .withHeader("User-Agent", matching("flagrelay.*")));
    relay.server().verify(getRequestedFor(urlEqualTo(FLAG_CHANGE_PATH))
        .withHeader("User-Agent", matching("flagrelay.*")));
  }

  // ---- typed resolvers ----

  /** How a test asks for a flag: the SDK call, and the default it passes. */
  enum Resolver {
    BOOLEAN(false, (c, k) -> c.getBooleanDetails(k, false, USER)),
    STRING("default", (c, k) -> c.getStringDetails(k, "default", USER)),
    INTEGER(-1, (c, k) -> c.getIntegerDetails(k, -1, USER)),
    LONG(-1L, (c, k) -> c.getLongDetails(k, -1L, USER)),
    DOUBLE(-1.5, (c, k) -> c.getDoubleDetails(k, -1.5, USER)),
    OBJECT(new Value("default"), (c, k) -> c.getObjectDetails(k, new Value("default"), USER));

    final Object defaultValue;
    final BiFunction<Client, String, FlagEvaluationDetails<?>> call;

    Resolver(Object defaultValue, BiFunction<Client, String, FlagEvaluationDetails<?>> call) {
      this.defaultValue = defaultValue;
      this.call = call;
    }
  }

  static Stream<Arguments> matchingTypes() {
    return Stream.of(
        Arguments.of("true", Resolver.BOOLEAN, true),
        Arguments.of("false", Resolver.BOOLEAN, false),
        Arguments.of("\"on\"", Resolver.STRING, "on"),
        Arguments.of("\"\"", Resolver.STRING, ""),
        Arguments.of("42", Resolver.INTEGER, 42),
        Arguments.of("10.0", Resolver.INTEGER, 10),
        Arguments.of("2147483647", Resolver.INTEGER, Integer.MAX_VALUE),
        Arguments.of("9007199254740993", Resolver.LONG, 9007199254740993L),
        Arguments.of("42", Resolver.LONG, 42L),
        Arguments.of("10.0", Resolver.LONG, 10L),
        Arguments.of("0.5", Resolver.DOUBLE, 0.5),
        Arguments.of("42", Resolver.DOUBLE, 42.0),
        Arguments.of("{\"a\":1,\"b\":[1,\"x\"],\"c\":{\"d\":true}}", Resolver.OBJECT,
            new Value(new ImmutableStructure(Map.of(
                "a", new Value(1),
                "b", new Value(List.of(new Value(1), new Value("x"))),
                "c", new Value(new ImmutableStructure(Map.of("d", new Value(true)))))))),
        Arguments.of("[1,\"x\"]", Resolver.OBJECT, new Value(List.of(new Value(1), new Value("x")))));
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("matchingTypes")
  void valueOfRequestedType_isReturned(String json, Resolver resolver, Object expected) {
    relay.stubEvaluation("typed", success("typed", json, "on", "TARGETING_MATCH", null));

    FlagEvaluationDetails<?> details = resolver.call.apply(connect(), "typed");

    assertSuccess(details, expected);
    assertThat(details.getVariant()).isEqualTo("on");
    assertThat(details.getReason()).isEqualTo("TARGETING_MATCH");
  }

  static Stream<Arguments> mismatchedTypes() {
    return Stream.of(
        Arguments.of("0.5", Resolver.INTEGER),
        Arguments.of("2147483648", Resolver.INTEGER),
        Arguments.of("0.5", Resolver.LONG),
        Arguments.of("true", Resolver.INTEGER),
        Arguments.of("true", Resolver.LONG),
        Arguments.of("true", Resolver.DOUBLE),
        Arguments.of("\"42\"", Resolver.INTEGER),
        Arguments.of("\"0.5\"", Resolver.DOUBLE),
        Arguments.of("1", Resolver.BOOLEAN),
        Arguments.of("\"true\"", Resolver.BOOLEAN),
        Arguments.of("42", Resolver.STRING),
        Arguments.of("{\"a\":1}", Resolver.STRING),
        Arguments.of("\"x\"", Resolver.OBJECT),
        Arguments.of("42", Resolver.OBJECT),
        Arguments.of("true", Resolver.OBJECT));
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("mismatchedTypes")
  void valueOfOtherType_isTypeMismatchWithCallerDefault(String json, Resolver resolver) {
    relay.stubEvaluation("typed", success("typed", json, "on", "TARGETING_MATCH", null));

    FlagEvaluationDetails<?> details = resolver.call.apply(connect(), "typed");

    assertThat(details.getValue()).isEqualTo(resolver.defaultValue);
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(details.getReason()).isEqualTo("ERROR");
  }

  @Test
  void disabledFlag_nullValue_returnsCallerDefaultWithReasonDisabled() {
    relay.stubEvaluation("off", success("off", "null", "SdkDefault", "DISABLED", "{\"description\":\"d\"}"));

    FlagEvaluationDetails<Integer> details = connect().getIntegerDetails("off", 7, USER);

    assertSuccess(details, 7);
    assertThat(details.getReason()).isEqualTo("DISABLED");
    assertThat(details.getVariant()).isEqualTo("SdkDefault");
    assertThat(details.getFlagMetadata().getString("description")).isEqualTo("d");
  }

  @Test
  void disabledFlag_absentValue_returnsCallerDefaultWithReasonDisabled() {
    relay.stubEvaluation("off", okJson("{\"key\":\"off\",\"reason\":\"DISABLED\",\"variant\":\"SdkDefault\"}"));

    FlagEvaluationDetails<String> details = connect().getStringDetails("off", "fallback", USER);

    assertSuccess(details, "fallback");
    assertThat(details.getReason()).isEqualTo("DISABLED");
  }

  @Test
  void metadataScalars_keepTheirTypesAndCacheabilityMarker() {
    relay.stubEvaluation("meta", success("meta", "true", "on", "TARGETING_MATCH", """
        {"s": "text", "b": true, "i": 42, "l": 5000000000, "d": 3.5,
         "nested": {"a": 1}, "n": null, "gofeatureflag_cacheable": false}"""));

    FlagEvaluationDetails<Boolean> details = connect().getBooleanDetails("meta", false, USER);

    assertThat(details.getFlagMetadata().asUnmodifiableMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of(
            "s", "text", "b", true, "i", 42, "l", 5000000000L, "d", 3.5, "gofeatureflag_cacheable", false));
  }

  @ParameterizedTest
  @ValueSource(strings = {"TARGETING_MATCH_SPLIT", "SPLIT", "STATIC", "OFFLINE", "SOMETHING_NEW"})
  void reason_isPassedThroughVerbatim(String reason) {
    relay.stubEvaluation("my-flag", success("my-flag", "true", "on", reason, null));

    assertThat(connect().getBooleanDetails("my-flag", false, USER).getReason()).isEqualTo(reason);
  }

  // ---- error answers ----

  static Stream<Arguments> errorAnswers() {
    return Stream.of(
        Arguments.of(404, "{\"key\":\"my-flag\",\"errorCode\":\"FLAG_NOT_FOUND\",\"errorDetails\":\"Error while evaluating the flag: my-flag\"}",
            ErrorCode.FLAG_NOT_FOUND),
        Arguments.of(404, "{\"message\":\"Not Found\"}", ErrorCode.GENERAL),
        Arguments.of(404, null, ErrorCode.GENERAL),
        Arguments.of(400, "{\"key\":\"my-flag\",\"errorCode\":\"TARGETING_KEY_MISSING\",\"errorDetails\":\"Error while evaluating the flag: my-flag\"}",
            ErrorCode.TARGETING_KEY_MISSING),
        Arguments.of(400, "{\"errorCode\":\"INVALID_CONTEXT\",\"errorDetails\":\"GO Feature Flag requires an evaluation context in the request.\"}",
            ErrorCode.INVALID_CONTEXT),
        Arguments.of(400, "{\"key\":\"my-flag\",\"errorCode\":\"FLAG_CONFIG\",\"errorDetails\":\"Error while evaluating the flag: my-flag\"}",
            ErrorCode.GENERAL),
        Arguments.of(400, "{\"key\":\"my-flag\",\"errorCode\":\"GENERAL\",\"errorDetails\":\"Error while evaluating the flag: my-flag\"}",
            ErrorCode.GENERAL),
        Arguments.of(400, "{\"key\":\"my-flag\",\"errorCode\":\"SOMETHING_NEW\",\"errorDetails\":\"?\"}", ErrorCode.GENERAL),
        Arguments.of(400, "{\"message\":\"this API key is not linked to a flagset\"}", ErrorCode.GENERAL),
        Arguments.of(500, "{\"message\":\"internal error\"}", ErrorCode.GENERAL),
        Arguments.of(502, "<html>bad gateway</html>", ErrorCode.GENERAL),
        Arguments.of(503, null, ErrorCode.GENERAL),
        Arguments.of(200, "<html>not json</html>", ErrorCode.GENERAL),
        Arguments.of(200, "[true]", ErrorCode.GENERAL),
        Arguments.of(200, "", ErrorCode.GENERAL));
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
  @MethodSource("errorAnswers")
  void errorAnswer_mapsToErrorCodeWithCallerDefault(int status, String body, ErrorCode expected) {
    relay.stubEvaluation("my-flag", status(status, body));

    FlagEvaluationDetails<Boolean> details = connect().getBooleanDetails("my-flag", true, USER);

    assertThat(details.getValue()).isTrue();
    assertThat(details.getErrorCode()).isEqualTo(expected);
    assertThat(details.getReason()).isEqualTo("ERROR");
    assertThat(details.getErrorMessage()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void refusedKeyOnEvaluation_isGeneralWithMessageAboutApiKey(int status) {
    relay.stubEvaluation("my-flag", status(status, status == 401 ? "{\"message\":\"Invalid API key\"}" : null));

    FlagEvaluationDetails<Boolean> details = connect(o -> o.apiKey("k-123")).getBooleanDetails("my-flag", true, USER);

    assertThat(details.getValue()).isTrue();
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
    assertThat(details.getErrorMessage()).containsIgnoringCase("API key").doesNotContain("k-123");
  }

  @Test
  void answerSlowerThanTimeout_isGeneralWithinTheTimeout() {
    relay.stubEvaluation("slow", notCacheable("slow", "true").withFixedDelay(3_000));
    Client client = connect(o -> o.timeout(Duration.ofMillis(300)));

    long started = System.nanoTime();
    FlagEvaluationDetails<Boolean> details = client.getBooleanDetails("slow", false, USER);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(details.getValue()).isFalse();
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
    assertThat(took).isLessThan(Duration.ofMillis(2_500)); // The relay takes 3 s: the timeout cut it short.
  }

  @Test
  void bodyTricklingSlowerThanTimeout_isGeneralWithinTheTimeout() {
    relay.stubEvaluation("trickle", notCacheable("trickle", "true").withChunkedDribbleDelay(20, 3_000));
    Client client = connect(o -> o.timeout(Duration.ofMillis(300)));

    long started = System.nanoTime();
    FlagEvaluationDetails<Boolean> details = client.getBooleanDetails("trickle", false, USER);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
    assertThat(took).isLessThan(Duration.ofMillis(2_500)); // The relay takes 3 s: the timeout cut it short.
  }

  @Test
  void connectionResetByPeer_isGeneral() {
    relay.stubEvaluation("reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

    FlagEvaluationDetails<Boolean> details = connect().getBooleanDetails("reset", false, USER);

    assertThat(details.getValue()).isFalse();
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
  }

  @Test
  void emptyResponseFault_isGeneral() {
    relay.stubEvaluation("empty", aResponse().withFault(Fault.EMPTY_RESPONSE));

    FlagEvaluationDetails<Boolean> details = connect().getBooleanDetails("empty", false, USER);

    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
  }

  @Test
  void rateLimited_noRequestIsSentUntilRetryAfterHasPassed() {
    relay.stubAnyEvaluation(status(429, null).withHeader("Retry-After", "2"));
    Client client = connect();

    long started = System.nanoTime();
    FlagEvaluationDetails<Boolean> limited = client.getBooleanDetails("limited", false, USER);
    FlagEvaluationDetails<Boolean> sameFlag = client.getBooleanDetails("limited", false, USER);
    FlagEvaluationDetails<Boolean> otherFlag = client.getBooleanDetails("other", false, USER);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(took).as("evaluations while the pause runs").isLessThan(Duration.ofSeconds(2));
    assertThat(List.of(limited, sameFlag, otherFlag))
        .allSatisfy(details -> assertThat(details.getErrorCode()).isEqualTo(ErrorCode.GENERAL));
    assertThat(relay.evaluationRequests()).hasSize(1);
  }

  @Test
  void rateLimited_requestsResumeAfterRetryAfter() {
    relay.stubEvaluation("limited", status(429, null).withHeader("Retry-After", "2"));
    Client client = connect();
    long started = System.nanoTime();
    client.getBooleanDetails("limited", false, USER);
    relay.stubEvaluation("limited", notCacheable("limited", "true"));

    await("an evaluation to succeed once Retry-After has passed")
        .atMost(Duration.ofSeconds(6))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> client.getBooleanDetails("limited", false, USER).getErrorCode() == null);

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(relay.evaluationRequests()).hasSize(2);
  }

  // ---- cache ----

  @Test
  void cacheableAnswer_secondEvaluationIsCachedWithoutRequest() {
    relay.stubEvaluation("my-flag", cacheable("my-flag", "\"v1\""));
    Client client = connect();
    client.getStringDetails("my-flag", "default", USER);

    FlagEvaluationDetails<String> second = client.getStringDetails("my-flag", "default", USER);

    assertSuccess(second, "v1");
    assertThat(second.getReason()).isEqualTo("CACHED");
    assertThat(second.getVariant()).isEqualTo("on");
    assertThat(relay.evaluationRequests()).hasSize(1);
  }

  @Test
  void answerWithoutCacheableMarker_isAskedAgain() {
    relay.stubEvaluation("my-flag", notCacheable("my-flag", "\"v1\""));
    Client client = connect();
    client.getStringDetails("my-flag", "default", USER);

    FlagEvaluationDetails<String> second = client.getStringDetails("my-flag", "default", USER);

    assertThat(second.getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(relay.evaluationRequests()).hasSize(2);
  }

  @Test
  void cacheDisabled_cacheableAnswerIsAskedAgain() {
    relay.stubEvaluation("my-flag", cacheable("my-flag", "\"v1\""));
    Client client = connect(o -> o.cacheEnabled(false));
    client.getStringDetails("my-flag", "default", USER);

    FlagEvaluationDetails<String> second = client.getStringDetails("my-flag", "default", USER);

    assertThat(second.getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(relay.evaluationRequests()).hasSize(2);
  }

  @Test
  void cachedAnswer_otherContextIsAskedAgain() {
    relay.stubEvaluation("my-flag", cacheable("my-flag", "\"v1\""));
    Client client = connect();
    client.getStringDetails("my-flag", "default", USER);

    client.getStringDetails("my-flag", "default", new ImmutableContext("user-2"));

    assertThat(relay.evaluationRequests()).hasSize(2);
  }

  @Test
  void cachedObject_mutatingReturnedValueDoesNotChangeNextAnswer() {
    relay.stubEvaluation("obj", cacheable("obj", "{\"list\":[1,2]}"));
    Client client = connect();
    Value first = client.getObjectDetails("obj", new Value(), USER).getValue();
    try {
      first.asStructure().asMap().put("list", new Value("mutated"));
    } catch (UnsupportedOperationException expected) {
      // Immutable: nothing to corrupt.
    }

    FlagEvaluationDetails<Value> second = client.getObjectDetails("obj", new Value(), USER);

    assertThat(second.getReason()).isEqualTo("CACHED");
    assertThat(second.getValue().asStructure().getValue("list").asList())
        .containsExactly(new Value(1), new Value(2));
  }

  @Test
  void concurrentMisses_sameFlagAndContext_sendOneRequest() throws Exception {
    relay.stubEvaluation("my-flag", cacheable("my-flag", "\"v1\"").withFixedDelay(300));
    Client client = connect();
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<FlagEvaluationDetails<String>>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return client.getStringDetails("my-flag", "default", new ImmutableContext("user-1"));
        }));
      }
      start.countDown();
      for (Future<FlagEvaluationDetails<String>> result : results) {
        assertSuccess(result.get(5, TimeUnit.SECONDS), "v1");
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(relay.evaluationRequests()).hasSize(1);
  }

  @Test
  void cachedAnswerPastTtl_isAskedAgain() {
    relay.stubEvaluation("my-flag", cacheable("my-flag", "\"v1\""));
    Client client = connect(o -> o.cacheTtl(Duration.ofMillis(200)));
    client.getStringDetails("my-flag", "default", USER);

    await("the cached answer to expire").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> !"CACHED".equals(client.getStringDetails("my-flag", "default", USER).getReason()));

    assertThat(relay.evaluationRequests()).hasSize(2);
  }

  @Test
  void cachedAnswerPastTtl_relayUnreachable_servesStaleAnswer() {
    relay.stubEvaluation("my-flag", cacheable("my-flag", "\"v1\""));
    Client client = connect(o -> o.cacheTtl(Duration.ofMillis(200)));
    client.getStringDetails("my-flag", "default", USER);
    relay.stubEvaluation("my-flag", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

    await("the cached answer to be served stale").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> "STALE".equals(client.getStringDetails("my-flag", "default", USER).getReason()));

    FlagEvaluationDetails<String> stale = client.getStringDetails("my-flag", "default", USER);
    assertSuccess(stale, "v1");
    assertThat(stale.getReason()).isEqualTo("STALE");
  }

  /** Regression: OkHttp threw NumberFormatException on this header, skipping the stale fallback. */
  @Test
  void cachedAnswerPastTtl_503WithRetryAfterBeyondAnInt_servesStaleAnswer() {
    relay.stubEvaluation("my-flag", cacheable("my-flag", "\"v1\""));
    Client client = connect(o -> o.cacheTtl(Duration.ofMillis(200)));
    client.getStringDetails("my-flag", "default", USER);
    relay.stubEvaluation("my-flag", status(503, null).withHeader("Retry-After", "99999999999"));

    await("the cached answer to be served stale").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> "STALE".equals(client.getStringDetails("my-flag", "default", USER).getReason()));

    assertSuccess(client.getStringDetails("my-flag", "default", USER), "v1");
  }

  @Test
  void answerBeyond10MiB_isGeneralWithAMessageNamingTheBound() {
    String padding = " ".repeat(10 * 1024 * 1024);
    relay.stubEvaluation("my-flag", okJson("{\"key\":\"my-flag\",\"value\":true" + padding + "}"));
    Client client = connect();

    FlagEvaluationDetails<Boolean> details = client.getBooleanDetails("my-flag", false, USER);

    assertThat(details.getValue()).isFalse();
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
    assertThat(details.getErrorMessage()).contains("10 MiB");
  }

  @Test
  void cachedAnswerPastTtl_flagNowNotFound_isNotServedStale() {
    relay.stubEvaluation("my-flag", cacheable("my-flag", "\"v1\""));
    Client client = connect(o -> o.cacheTtl(Duration.ofMillis(200)));
    client.getStringDetails("my-flag", "default", USER);
    relay.stubEvaluation("my-flag", status(404, "{\"key\":\"my-flag\",\"errorCode\":\"FLAG_NOT_FOUND\"}"));

    await("the relay's FLAG_NOT_FOUND").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> client.getStringDetails("my-flag", "default", USER).getErrorCode() == ErrorCode.FLAG_NOT_FOUND);
  }

  // ---- initialization ----

  @Test
  void initialization_flagChangeRefusedWith401_setProviderAndWaitThrowsAndProviderIsFatal() {
    relay.server().stubFor(get(urlEqualTo(FLAG_CHANGE_PATH)).willReturn(status(401, "{\"message\":\"Invalid API key\"}")));
    GoFeatureFlagProvider provider = new GoFeatureFlagProvider(options().apiKey("k-401").build());

    assertThatThrownBy(() -> api.setProviderAndWait(provider))
        .isInstanceOf(OpenFeatureError.class)
        .satisfies(e -> assertThat(((OpenFeatureError) e).getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("k-401"));
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.FATAL);
    assertThat(api.getClient().getBooleanDetails("my-flag", true, USER).getErrorCode())
        .isEqualTo(ErrorCode.PROVIDER_FATAL);
    assertThat(relay.evaluationRequests()).isEmpty();
  }

  // ---- the API key stays secret ----

  @Test
  void optionsToString_doesNotContainApiKey() {
    String key = "sk-" + UUID.randomUUID();

    String text = options().apiKey(key).header("X-Other", "value").build().toString();

    assertThat(text).doesNotContain(key).doesNotContain("value");
  }

  @Test
  void failures_neitherLogsNorMessagesContainApiKey() {
    String key = "sk-" + UUID.randomUUID();
    List<String> messages = new ArrayList<>();
    String logs;
    try (LogCapture capture = LogCapture.start()) {
      relay.stubEvaluation("e401", status(401, "{\"message\":\"Invalid API key\"}"));
      relay.stubEvaluation("e403", status(403, null));
      relay.stubEvaluation("e500", status(500, "{\"message\":\"boom\"}"));
      relay.stubEvaluation("e400", status(400, "{\"message\":\"bad\"}"));
      relay.stubEvaluation("slow", notCacheable("slow", "true").withFixedDelay(2_000));
      relay.stubEvaluation("reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
      relay.stubEvaluation("garbage", okJson("{not json"));
      relay.stubEvaluation("cached", cacheable("cached", "true"));
      relay.server().stubFor(post(urlEqualTo(WireMockRelay.COLLECTOR_PATH))
          .willReturn(status(500, null)));
      Client client = connect(o -> o.apiKey(key).timeout(Duration.ofMillis(300)));
      for (String flag : List.of("e401", "e403", "e500", "e400", "slow", "reset", "garbage", "unknown", "cached", "cached")) {
        messages.add(String.valueOf(client.getBooleanDetails(flag, false, USER).getErrorMessage()));
      }
      api.shutdown(); // Flushes the cache hit into the failing collector.
      relay.server().stubFor(get(urlEqualTo(FLAG_CHANGE_PATH)).willReturn(status(401, null)));
      OpenFeatureAPI refused = OpenFeatureAPI.createIsolated();
      try {
        refused.setProviderAndWait(new GoFeatureFlagProvider(options().apiKey(key).build()));
      } catch (OpenFeatureError e) {
        messages.add(e.toString());
      } finally {
        refused.shutdown();
      }
      logs = capture.text();
    }

    assertThat(relay.requests(postRequestedFor(urlEqualTo(EVALUATE_PATH + "e401"))
        .withHeader("Authorization", equalTo("Bearer " + key))))
        .as("the key was sent, so it could have leaked").hasSize(1);
    assertThat(relay.collectorRequests()).as("the collector was tried").isNotEmpty();
    assertThat(messages).noneMatch(message -> message.contains(key));
    assertThat(logs).contains("dev.flagrelay").doesNotContain(key);
  }
}
