package dev.flagrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flag keys that need percent-encoding reach the real relay proxy as one path segment and are
 * resolved under their own name ({@code flags/awkward-keys.yaml}: each flag serves its own key).
 */
@ExtendWith(LeakCheck.class)
class RealRelayFlagKeyIT {
  private static RelayProxy relay;
  private OpenFeatureAPI api;
  private Client client;

  @BeforeAll
  static void startRelay() throws IOException, URISyntaxException {
    Path flags = Paths.get(RealRelayFlagKeyIT.class.getResource("/flags/awkward-keys.yaml").toURI());
    relay = RelayProxy.serving(flags).start();
  }

  @AfterAll
  static void stopRelay() {
    try (RelayProxy owned = relay) {
      // Closed by try-with-resources.
    }
  }

  @BeforeEach
  void connect() {
    api = OpenFeatureAPI.createIsolated();
    api.setProviderAndWait(
        new GoFeatureFlagProvider(GoFeatureFlagProviderOptions.builder().endpoint(relay.endpoint()).build()));
    client = api.getClient();
  }

  @AfterEach
  void shutDownApi() {
    api.shutdown();
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {
      "with space", "what?x=1", "hash#tag", "percent%20", "ünï😀", "semi;colon", "plus+sign", "colon:key",
      "dots.in.key", "back\\slash"})
  void awkwardFlagKey_isResolvedByRealRelayUnderItsOwnName(String flagKey) {
    FlagEvaluationDetails<String> details = client.getStringDetails(flagKey, "default", new ImmutableContext("user-1"));

    assertThat(details.getErrorCode()).isNull();
    assertThat(details.getValue()).isEqualTo(flagKey);
  }

  /**
   * Relay v1.55.2 matches the flag key against the raw, still-encoded path when it holds an
   * encoded slash ({@code a%2Fb}), so a key containing {@code /} cannot be evaluated through OFREP.
   * The provider sends it correctly (see {@code WireMockEvaluationIT}); this pins the relay side.
   */
  @Test
  void flagKeyWithSlash_realRelayDoesNotFindIt() {
    FlagEvaluationDetails<String> details = client.getStringDetails("a/b", "default", new ImmutableContext("user-1"));

    assertThat(details.getValue()).isEqualTo("default");
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
  }
}
