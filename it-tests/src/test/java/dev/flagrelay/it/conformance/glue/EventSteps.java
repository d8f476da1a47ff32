package dev.flagrelay.it.conformance.glue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.ProviderEvent;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.time.Duration;
import java.util.List;

/**
 * Event handlers on the client, outages of the backend, and waiting for the events they cause.
 * Handlers registered when the provider is already in the matching state run at once (spec 5.3.3).
 */
public final class EventSteps {
  /** The wait when a step names none: a relay edit takes up to 1 s to load, then one poll. */
  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private final ConformanceWorld world;

  public EventSteps(ConformanceWorld world) {
    this.world = world;
  }

  @Given("a {word} event handler")
  public void anEventHandler(String kind) {
    ProviderEvent event = event(kind);
    world.client().on(event, details -> world.record(event, details));
  }

  @Then("the {word} event handler should have been executed")
  public void theEventHandlerShouldHaveBeenExecuted(String kind) {
    awaitEvent(event(kind), DEFAULT_WAIT);
  }

  @Then("the {word} event handler should have been executed within {int}ms")
  public void theEventHandlerShouldHaveBeenExecutedWithin(String kind, int millis) {
    awaitEvent(event(kind), Duration.ofMillis(millis));
  }

  /**
   * The ready handler ran for the READY the provider is already in; forgetting it lets a later
   * step see the next READY, the one after an outage.
   */
  @When("a ready event was fired")
  public void aReadyEventWasFired() {
    awaitEvent(ProviderEvent.PROVIDER_READY, DEFAULT_WAIT);
    world.forget(ProviderEvent.PROVIDER_READY);
  }

  @Then("the flag should be part of the event payload")
  public void theFlagShouldBePartOfTheEventPayload() {
    List<EventDetails> changes = world.received(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED);
    assertThat(changes).as("configuration-change events").isNotEmpty();
    assertThat(changes.get(changes.size() - 1).getFlagsChanged()).as("flagsChanged").contains(world.flagKey);
  }

  @When("the connection is lost")
  public void theConnectionIsLost() {
    world.backend().loseConnection();
  }

  @When("the connection is restored")
  public void theConnectionIsRestored() {
    world.backend().restoreConnection();
  }

  private void awaitEvent(ProviderEvent event, Duration atMost) {
    await(event + " handler to run")
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> !world.received(event).isEmpty());
  }

  private static ProviderEvent event(String kind) {
    switch (kind) {
      case "ready":
        return ProviderEvent.PROVIDER_READY;
      case "stale":
        return ProviderEvent.PROVIDER_STALE;
      case "error":
        return ProviderEvent.PROVIDER_ERROR;
      case "change":
        return ProviderEvent.PROVIDER_CONFIGURATION_CHANGED;
      default:
        throw new IllegalArgumentException("unknown event handler: " + kind);
    }
  }
}
