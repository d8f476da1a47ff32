package dev.flagrelay.it.conformance.backend;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.common.Json;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.flagrelay.it.conformance.backend.FlagSet.Condition;
import dev.flagrelay.it.conformance.backend.FlagSet.Flag;
import dev.flagrelay.it.conformance.backend.FlagSet.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A WireMock stand-in for the relay proxy, seeded from a {@link FlagSet} with the answers the real
 * relay gives (checked against relay v1.55.2): OFREP single-flag answers marked cacheable, 404
 * {@code FLAG_NOT_FOUND} for unknown keys, {@code value: null} and reason {@code DISABLED} for
 * disabled flags, and {@code GET /v1/flag/change} with per-flag hashes and an ETag.
 *
 * <p>Targeting is matched on the request body: each rule is one stub whose JSONPath filter
 * tests the {@code context}. Two request markers trigger fixed misbehaviour, so that no scenario
 * has to restub shared state: the API key {@link #REFUSED_API_KEY} is refused (401), and the
 * header {@link #SLOW_START_HEADER} delays the change endpoint by {@link #SLOW_START}.
 *
 * <p>Stub priorities (lower wins): 1 outage and markers, 2 {@code 304}, 3 change list, 4 targeting
 * rules, 5 flag answers and collector, 9 unknown flag. A change adds newer stubs on top of the
 * old ones (at equal priority the newest wins), so a running provider never sees a gap.
 */
public final class WireMockRelay implements RelayBackend {
  /** Requests with this API key are refused with 401: a fatal provider. */
  public static final String REFUSED_API_KEY = "conformance-refused-key";
  /** Requests with this header get their flag-change answer only after {@link #SLOW_START}. */
  public static final String SLOW_START_HEADER = "X-Conformance-Slow-Start";
  public static final Duration SLOW_START = Duration.ofSeconds(3);

  private static final String CHANGE_PATH = "/v1/flag/change";
  private static final String EVALUATE_PATH = "/ofrep/v1/evaluate/flags/";
  private static final String CACHEABLE = "gofeatureflag_cacheable";

  private final WireMockServer server;
  private final FlagSet seed;
  private FlagSet current;
  private StubMapping notModified;
  private StubMapping outage;

  private WireMockRelay(FlagSet seed) {
    this.server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    this.seed = seed;
    this.current = seed;
  }

  /** A started stand-in serving {@code flags}. */
  public static WireMockRelay start(FlagSet flags) {
    WireMockRelay relay = new WireMockRelay(flags);
    relay.server.start();
    relay.stubAll();
    return relay;
  }

  @Override
  public String endpoint() {
    return server.baseUrl();
  }

  @Override
  public void loseConnection() {
    if (outage == null) {
      outage =
          server.stubFor(any(anyUrl()).atPriority(1).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }
  }

  @Override
  public void restoreConnection() {
    if (outage != null) {
      server.removeStub(outage);
      outage = null;
    }
  }

  @Override
  public void modifyFlag(String flagKey) {
    current = current.withOtherDefaultVariant(flagKey);
    stubFlag(current.flag(flagKey));
    stubChangeList();
  }

  @Override
  public Map<String, Object> lastEvaluationContext() {
    List<LoggedRequest> requests = server.findAll(postRequestedFor(urlPathMatching(EVALUATE_PATH + ".+")));
    if (requests.isEmpty()) {
      throw new IllegalStateException("the relay stand-in received no evaluation request");
    }
    Map<String, Object> body = Json.read(requests.get(requests.size() - 1).getBodyAsString(), jsonObject());
    Object context = body.get("context");
    if (!(context instanceof Map<?, ?> map)) {
      throw new IllegalStateException("evaluation request without a context object: " + body);
    }
    Map<String, Object> copy = new TreeMap<>();
    map.forEach((key, value) -> copy.put(String.valueOf(key), value));
    return Collections.unmodifiableMap(copy);
  }

  @Override
  public void reset() {
    server.resetAll();
    current = seed;
    notModified = null;
    outage = null;
    stubAll();
  }

  @Override
  public void close() {
    server.stop();
  }

  private void stubAll() {
    server.stubFor(
        any(anyUrl())
            .atPriority(1)
            .withHeader("Authorization", equalTo("Bearer " + REFUSED_API_KEY))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"message\":\"Unauthorized\"}")));
    server.stubFor(
        post(urlPathMatching(EVALUATE_PATH + ".+"))
            .atPriority(9)
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"key\":\"{{request.pathSegments.[4]}}\",\"errorCode\":\"FLAG_NOT_FOUND\","
                            + "\"errorDetails\":\"flag {{request.pathSegments.[4]}} does not exist\"}")
                    .withTransformers("response-template")));
    server.stubFor(
        post(urlPathEqualTo("/v1/data/collector")).atPriority(5).willReturn(okJson("{\"ingestedContentCount\":0}")));
    current.flags().values().forEach(this::stubFlag);
    stubChangeList();
  }

  private void stubFlag(Flag flag) {
    MappingBuilder fallThrough = post(urlPathEqualTo(EVALUATE_PATH + flag.key())).atPriority(5);
    server.stubFor(fallThrough.willReturn(okJson(fallThroughAnswer(flag))));
    if (flag.disabled()) {
      return;
    }
    List<Rule> reversed = new ArrayList<>(flag.rules());
    Collections.reverse(reversed); // Equal priority: the newest stub wins, so the first rule goes last.
    for (Rule rule : reversed) {
      server.stubFor(
          post(urlPathEqualTo(EVALUATE_PATH + flag.key()))
              .atPriority(4)
              .withRequestBody(matchingJsonPath(jsonPathFilter(rule)))
              .willReturn(okJson(answer(flag, rule.variant(), "TARGETING_MATCH"))));
    }
  }

  /** The change list: per-flag hashes of what each flag answers now, and an ETag over all. */
  private void stubChangeList() {
    Map<String, Long> hashes = new TreeMap<>();
    // A record's toString covers every component, nested values included.
    current.flags().values().forEach(flag -> hashes.put(flag.key(), unsigned(flag.toString().hashCode())));
    long hash = unsigned(hashes.hashCode());
    String etag = "\"" + Long.toHexString(hash) + "\"";
    String body = Json.write(Map.of("hash", hash, "flags", hashes));
    server.stubFor(
        get(urlPathEqualTo(CHANGE_PATH))
            .atPriority(1)
            .withHeader(SLOW_START_HEADER, equalTo("true"))
            .willReturn(okJson(body).withHeader("ETag", etag).withFixedDelay((int) SLOW_START.toMillis())));
    server.stubFor(get(urlPathEqualTo(CHANGE_PATH)).atPriority(3).willReturn(okJson(body).withHeader("ETag", etag)));
    StubMapping previous = notModified;
    notModified =
        server.stubFor(
            get(urlPathEqualTo(CHANGE_PATH))
                .atPriority(2)
                .withHeader("If-None-Match", equalTo(etag))
                .willReturn(aResponse().withStatus(304).withHeader("ETag", etag)));
    if (previous != null) {
      server.removeStub(previous);
    }
  }

  private static String fallThroughAnswer(Flag flag) {
    if (flag.disabled()) {
      return Json.write(OfrepAnswer.disabled(flag));
    }
    return flag.defaultVariant() == null
        ? Json.write(OfrepAnswer.noDefault(flag))
        : answer(flag, flag.defaultVariant(), flag.fallThroughReason());
  }

  private static String answer(Flag flag, String variant, String reason) {
    return Json.write(OfrepAnswer.resolved(flag, variant, reason));
  }

  /** A JSONPath that selects the context when every condition of the rule holds. */
  static String jsonPathFilter(Rule rule) {
    List<String> tests = new ArrayList<>();
    for (Condition condition : rule.conditions()) {
      String operator = condition.operator() == FlagSet.Operator.GREATER_THAN ? " > " : " == ";
      tests.add("@['" + condition.attribute() + "']" + operator + literal(condition.operand()));
    }
    return "$.context[?(" + String.join(" && ", tests) + ")]";
  }

  private static String literal(Object operand) {
    if (operand instanceof String text) {
      if (text.contains("'")) {
        throw new IllegalArgumentException("quote in a targeting literal: " + text);
      }
      return "'" + text + "'";
    }
    return String.valueOf(operand);
  }

  private static long unsigned(int hash) {
    return Integer.toUnsignedLong(hash);
  }

  @SuppressWarnings("unchecked")
  private static Class<Map<String, Object>> jsonObject() {
    return (Class<Map<String, Object>>) (Class<?>) Map.class;
  }

  /** The JSON bodies of OFREP single-flag answers, as the relay sends them. */
  static final class OfrepAnswer {
    private OfrepAnswer() {}

    static Map<String, Object> resolved(Flag flag, String variant, String reason) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("key", flag.key());
      answer.put("value", flag.variants().get(variant));
      answer.put("reason", reason);
      answer.put("variant", variant);
      answer.put("metadata", metadata(flag));
      return answer;
    }

    /** A disabled flag: {@code value: null}, the caller's default. */
    static Map<String, Object> disabled(Flag flag) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("key", flag.key());
      answer.put("value", null);
      answer.put("reason", "DISABLED");
      answer.put("variant", "SdkDefault");
      answer.put("metadata", metadata(flag));
      return answer;
    }

    /** A flag without a default variant: no value, OFREP's "use the code default" answer. */
    static Map<String, Object> noDefault(Flag flag) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("key", flag.key());
      answer.put("reason", "DEFAULT");
      answer.put("metadata", metadata(flag));
      return answer;
    }

    private static Map<String, Object> metadata(Flag flag) {
      Map<String, Object> metadata = new LinkedHashMap<>(flag.metadata());
      metadata.put(CACHEABLE, true);
      return metadata;
    }
  }
}
