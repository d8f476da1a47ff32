package dev.flagrelay.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The provider on the oldest supported SDK: this class uses only API that SDK 1.16.0 has, and the
 * build runs it twice, on the SDK it was compiled against and on 1.16.0 (failsafe execution
 * {@code sdk-oldest}, whose SDK version is in the system property {@code sdk.under.test}).
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class SdkCompatibilityIT {
  private final WireMockServer relay =
      new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
  private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();
  private final List<EventDetails> changes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    relay.start();
    relay.stubFor(get("/v1/flag/change").atPriority(5).willReturn(okJson("{\"hash\":1,\"flags\":{\"f\":1}}").withHeader("ETag", "\"1\"")));
    stubFlag("bool", "true");
    stubFlag("text", "\"hello\"");
    stubFlag("int", "42");
    stubFlag("double", "2.5");
    stubFlag("object", "{\"a\":[1,2],\"big\":9007199254740991}");
    relay.stubFor(post("/v1/data/collector").willReturn(okJson("{}")));
  }

  @AfterEach
  void stop() {
    api.shutdown();
    relay.stop();
  }

  @Test
  void everyResolverEventAndTrackingWorks_onThisSdk() {
    System.out.println("SDK under test: " + System.getProperty("sdk.under.test", "compile-time version"));
    api.onProviderConfigurationChanged(changes::add);
    api.setProviderAndWait(
        new GoFeatureFlagProvider(
            GoFeatureFlagProviderOptions.builder()
                .endpoint(relay.baseUrl())
                .flagChangePollingInterval(Duration.ofMillis(50))
                .build()));
    Client client = api.getClient();
    ImmutableContext user = new ImmutableContext("user-1");

    assertThat(client.getBooleanValue("bool", false, user)).isTrue();
    assertThat(client.getStringValue("text", "", user)).isEqualTo("hello");
    assertThat(client.getIntegerValue("int", 0, user)).isEqualTo(42);
    assertThat(client.getDoubleValue("double", 0.0, user)).isEqualTo(2.5);
    Value object = client.getObjectValue("object", new Value(), user);
    assertThat(object.asStructure().getValue("a").asList()).hasSize(2);
    // A Long on SDK 1.22+ (Value(Long)), a Double before: the same number either way (2^53 - 1).
    assertThat(((Number) object.asStructure().getValue("big").asObject()).longValue()).isEqualTo(9007199254740991L);
    FlagEvaluationDetails<Boolean> cached = client.getBooleanDetails("bool", false, user);
    assertThat(cached.getReason()).isEqualTo("CACHED");
    FlagEvaluationDetails<Boolean> mismatch = client.getBooleanDetails("text", false, user);
    assertThat(mismatch.getErrorCode()).hasToString("TYPE_MISMATCH");

    relay.stubFor(get("/v1/flag/change").atPriority(1).willReturn(okJson("{\"hash\":2,\"flags\":{\"f\":2}}").withHeader("ETag", "\"2\"")));
    await().until(() -> !changes.isEmpty());
    assertThat(changes.get(0).getFlagsChanged()).containsExactly("f");

    client.track("checkout", user, new MutableTrackingEventDetails(9.5));
    api.shutdown(); // Older SDKs shut providers down in the background: wait for the final flush.
    await().until(() -> !relay.findAll(postRequestedFor(urlEqualTo("/v1/data/collector"))).isEmpty());
    assertThat(relay.findAll(postRequestedFor(urlEqualTo("/v1/data/collector"))).get(0).getBodyAsString())
        .contains("\"checkout\"")
        .contains("9.5");
  }

  private void stubFlag(String key, String value) {
    relay.stubFor(
        post(urlEqualTo("/ofrep/v1/evaluate/flags/" + key))
            .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"key\":\"" + key + "\",\"value\":" + value + ",\"reason\":\"STATIC\",\"variant\":\"v\","
                    + "\"metadata\":{\"gofeatureflag_cacheable\":true}}")));
  }
}
