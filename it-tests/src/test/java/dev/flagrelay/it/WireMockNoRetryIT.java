package dev.flagrelay.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** GOFF-REM-005: a failed evaluation is not retried; the caller's own retries are the recovery path. */
@Timeout(30)
@ExtendWith(LeakCheck.class)
class WireMockNoRetryIT {
  private static final String FLAG = "/ofrep/v1/evaluate/flags/flag";

  private final WireMockServer relay =
      new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
  private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();

  @BeforeEach
  void start() {
    relay.start();
    relay.stubFor(get("/v1/flag/change").willReturn(okJson("{\"hash\":1,\"flags\":{}}")));
    api.setProviderAndWait(
        new GoFeatureFlagProvider(
            GoFeatureFlagProviderOptions.builder()
                .endpoint(relay.baseUrl())
                .timeout(Duration.ofSeconds(2))
                .flagChangePollingEnabled(false)
                .disableDataCollection(true)
                .build()));
  }

  @AfterEach
  void stop() {
    api.shutdown();
    relay.stop();
  }

  @Test
  void serverError_oneRequestOnly() {
    assertOneRequestAndGeneral(aResponse().withStatus(503));
  }

  /** Regression: OkHttp re-sent a 503 carrying Retry-After: 0 by itself. */
  @Test
  void serviceUnavailableWithRetryAfterZero_oneRequestOnly() {
    assertOneRequestAndGeneral(aResponse().withStatus(503).withHeader("Retry-After", "0"));
  }

  @Test
  void serviceUnavailableWithRetryAfterBeyondAnInt_oneRequestOnly() {
    assertOneRequestAndGeneral(aResponse().withStatus(503).withHeader("Retry-After", "99999999999"));
  }

  @Test
  void connectionReset_oneRequestOnly() {
    assertOneRequestAndGeneral(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
  }

  @Test
  void emptyResponse_oneRequestOnly() {
    assertOneRequestAndGeneral(aResponse().withFault(Fault.EMPTY_RESPONSE));
  }

  private void assertOneRequestAndGeneral(ResponseDefinitionBuilder failure) {
    relay.stubFor(post(urlEqualTo(FLAG)).willReturn(failure));

    FlagEvaluationDetails<Boolean> details = api.getClient().getBooleanDetails("flag", false, new ImmutableContext("u"));

    assertThat(details.getValue()).isFalse();
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
    assertThat(relay.countRequestsMatching(postRequestedFor(urlEqualTo(FLAG)).build()).getCount()).isEqualTo(1);
  }
}
