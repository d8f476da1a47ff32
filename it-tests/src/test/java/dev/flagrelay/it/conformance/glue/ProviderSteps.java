package dev.flagrelay.it.conformance.glue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.flagrelay.it.conformance.backend.WireMockRelay;
import dev.openfeature.sdk.ProviderState;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Locale;
import org.opentest4j.TestAbortedException;

/**
 * Registers a fresh provider, in the state a step names, with a new isolated API; and asserts on
 * the provider's metadata and state.
 *
 * <p>Every provider polls for flag changes every {@link #POLL_INTERVAL}, so outages and changes are
 * noticed within a second; everything else is the default configuration.
 */
public final class ProviderSteps {
  static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  /** How long a provider may take to settle into the state a step asked for. */
  private static final Duration SETTLE = Duration.ofSeconds(10);

  private final ConformanceWorld world;

  public ProviderSteps(ConformanceWorld world) {
    this.world = world;
  }

  @Given("^a (stable|unavailable|not ready|error|fatal|stale) provider$")
  public void aProvider(String kind) {
    switch (kind) {
      case "stable":
        stable();
        break;
      case "unavailable":
        registerWithoutWaiting(options(unreachableEndpoint()));
        break;
      case "error":
        registerWithoutWaiting(options(unreachableEndpoint()));
        awaitState(ProviderState.ERROR);
        break;
      case "not ready":
        registerWithoutWaiting(standIn().header(WireMockRelay.SLOW_START_HEADER, "true"));
        break;
      case "fatal":
        registerWithoutWaiting(standIn().apiKey(WireMockRelay.REFUSED_API_KEY));
        awaitState(ProviderState.FATAL);
        break;
      case "stale":
        stable();
        world.backend().loseConnection();
        awaitState(ProviderState.STALE);
        break;
      default:
        throw new IllegalArgumentException(kind);
    }
  }

  @Given("a stable provider with retrievable context is registered")
  public void aStableProviderWithRetrievableContext() {
    stable(); // The context it sends is read back from the relay stand-in's request journal.
  }

  @Then("the provider metadata name should not be empty")
  public void theProviderMetadataNameShouldNotBeEmpty() {
    assertThat(world.api().getProviderMetadata().getName()).isNotBlank();
  }

  @Then("the provider status should be {string}")
  public void theProviderStatusShouldBe(String status) {
    assertThat(world.client().getProviderState()).isEqualTo(ProviderState.valueOf(status));
  }

  @Then("the client should be in {word} state")
  public void theClientShouldBeInState(String state) {
    awaitState(ProviderState.valueOf(state.toUpperCase(Locale.ROOT)));
  }

  private void stable() {
    world.register(new GoFeatureFlagProvider(options(world.backend().endpoint()).build()))
        .setProviderAndWait(world.provider());
  }

  /** Registration must not throw however the initialization goes: the SDK reports it as state and events. */
  private void registerWithoutWaiting(GoFeatureFlagProviderOptions.Builder options) {
    world.register(new GoFeatureFlagProvider(options.build())).setProvider(world.provider());
  }

  private void awaitState(ProviderState state) {
    await("client state " + state)
        .atMost(SETTLE)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> assertThat(world.client().getProviderState()).isEqualTo(state));
  }

  private GoFeatureFlagProviderOptions.Builder options(String endpoint) {
    return GoFeatureFlagProviderOptions.builder()
        .endpoint(endpoint)
        .flagChangePollingInterval(POLL_INTERVAL)
        .evaluationMode(world.evaluationMode());
  }

  /** Options for a provider whose misbehaviour the WireMock stand-in scripts by request markers. */
  private GoFeatureFlagProviderOptions.Builder standIn() {
    if (!(world.backend() instanceof WireMockRelay)) {
      throw new TestAbortedException("this provider state is scripted by the WireMock stand-in, not available here");
    }
    return options(world.backend().endpoint());
  }

  /** A loopback URL nobody listens on: connections are refused at once. */
  private static String unreachableEndpoint() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
