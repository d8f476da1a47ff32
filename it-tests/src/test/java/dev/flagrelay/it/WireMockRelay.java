package dev.flagrelay.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;

/**
 * A WireMock server standing in for the relay proxy, with the relay's answers as helpers. Every
 * request is journaled, so tests assert on what the provider actually sent.
 */
final class WireMockRelay implements AutoCloseable {
  static final String EVALUATE_PATH = "/ofrep/v1/evaluate/flags/";
  static final String FLAG_CHANGE_PATH = "/v1/flag/change";
  static final String COLLECTOR_PATH = "/v1/data/collector";
  /** The ETag of {@link #flagChangeAnswer()}, in the relay's strong {@code "<length>-<sha1>"} shape. */
  static final String ETAG = "\"40-2f1e6c0a4b8e5d7f9a0b1c2d3e4f5a6b7c8d9e0f\"";

  private final WireMockServer server = new WireMockServer(options().dynamicPort());

  WireMockRelay() {
    server.start();
  }

  WireMockServer server() {
    return server;
  }

  String baseUrl() {
    return server.baseUrl();
  }

  /** Forgets stubs and the request journal, then answers flag-change polls and the collector. */
  void reset() {
    server.resetAll();
    stubFlagChange("");
    stubCollector("");
  }

  void stubFlagChange(String prefix) {
    server.stubFor(get(urlEqualTo(prefix + FLAG_CHANGE_PATH)).willReturn(flagChangeAnswer()));
  }

  void stubCollector(String prefix) {
    server.stubFor(post(urlEqualTo(prefix + COLLECTOR_PATH)).willReturn(okJson("{\"ingestedContentCount\":1}")));
  }

  static ResponseDefinitionBuilder flagChangeAnswer() {
    return okJson("{\"hash\":1,\"flags\":{\"my-flag\":1}}").withHeader("ETag", ETAG);
  }

  /** Answers evaluations of {@code flagKey} (the raw, encoded path segment) with {@code response}. */
  void stubEvaluation(String flagKey, ResponseDefinitionBuilder response) {
    server.stubFor(post(urlEqualTo(EVALUATE_PATH + flagKey)).willReturn(response));
  }

  /**
   * Answers evaluations of flags without a stub of their own as the relay does for an unknown
   * flag: 404 with {@code errorCode: FLAG_NOT_FOUND} (WireMock's own 404 carries no error code).
   */
  void stubUnknownFlagsNotFound() {
    server.stubFor(
        post(urlPathMatching(EVALUATE_PATH + ".*"))
            .atPriority(10)
            .willReturn(status(404, "{\"key\":\"unknown\",\"errorCode\":\"FLAG_NOT_FOUND\",\"errorDetails\":\"flag not found\"}")));
  }

  /** Answers every evaluation with {@code response}. */
  void stubAnyEvaluation(ResponseDefinitionBuilder response) {
    server.stubFor(post(urlPathMatching(EVALUATE_PATH + ".*")).willReturn(response));
  }

  /** A relay success body, as {@code POST /ofrep/v1/evaluate/flags/{key}} sends it. */
  static ResponseDefinitionBuilder success(String key, String valueJson, String variant, String reason, String metadataJson) {
    String body =
        "{\"key\":\""
            + key
            + "\",\"value\":"
            + valueJson
            + ",\"reason\":\""
            + reason
            + "\",\"variant\":\""
            + variant
            + "\""
            + (metadataJson == null ? "" : ",\"metadata\":" + metadataJson)
            + "}";
    return okJson(body);
  }

  /** A success the relay says may be cached. */
  static ResponseDefinitionBuilder cacheable(String key, String valueJson) {
    return success(key, valueJson, "on", "TARGETING_MATCH", "{\"gofeatureflag_cacheable\":true}");
  }

  /** A success without the cacheability marker. */
  static ResponseDefinitionBuilder notCacheable(String key, String valueJson) {
    return success(key, valueJson, "on", "TARGETING_MATCH", null);
  }

  static ResponseDefinitionBuilder status(int status, String body) {
    ResponseDefinitionBuilder response = aResponse().withStatus(status);
    return body == null ? response : response.withHeader("Content-Type", "application/json").withBody(body);
  }

  List<LoggedRequest> evaluationRequests() {
    return server.findAll(WireMock.postRequestedFor(urlPathMatching(EVALUATE_PATH + ".*")));
  }

  List<LoggedRequest> flagChangeRequests() {
    return server.findAll(WireMock.getRequestedFor(urlPathMatching(".*" + FLAG_CHANGE_PATH)));
  }

  List<LoggedRequest> collectorRequests() {
    return server.findAll(WireMock.postRequestedFor(urlPathMatching(".*" + COLLECTOR_PATH)));
  }

  List<LoggedRequest> requests(RequestPatternBuilder pattern) {
    return server.findAll(pattern);
  }

  @Override
  public void close() {
    server.stop();
  }
}
