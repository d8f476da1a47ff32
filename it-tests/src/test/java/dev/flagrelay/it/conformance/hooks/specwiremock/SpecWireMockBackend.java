package dev.flagrelay.it.conformance.hooks.specwiremock;

import dev.flagrelay.it.conformance.backend.FlagFiles;
import dev.flagrelay.it.conformance.backend.WireMockRelay;
import dev.flagrelay.it.conformance.glue.ConformanceWorld;
import io.cucumber.java.After;
import io.cucumber.java.AfterAll;
import io.cucumber.java.Before;
import io.cucumber.java.BeforeAll;

/** Glue for the spec's Gherkin on the WireMock stand-in: one stand-in per suite run, seeded from test-flags.json. */
public final class SpecWireMockBackend {
  static final String FLAGS = "conformance/openfeature-spec/test-flags.json";
  private static WireMockRelay relay;

  private final ConformanceWorld world;

  public SpecWireMockBackend(ConformanceWorld world) {
    this.world = world;
  }

  @BeforeAll
  public static void startStandIn() {
    relay = WireMockRelay.start(FlagFiles.specTestFlags(FLAGS));
  }

  @Before(order = 0)
  public void useStandIn() {
    world.useBackend(relay);
  }

  @After(order = 0)
  public void resetStandIn() {
    relay.reset();
  }

  @AfterAll
  public static void stopStandIn() {
    relay.close();
  }
}
