package dev.flagrelay.it.conformance.hooks.tckrelay;

import dev.flagrelay.it.conformance.backend.FlagFiles;
import dev.flagrelay.it.conformance.backend.RealRelay;
import dev.flagrelay.it.conformance.glue.ConformanceWorld;
import io.cucumber.java.After;
import io.cucumber.java.AfterAll;
import io.cucumber.java.Before;
import io.cucumber.java.BeforeAll;

/**
 * Glue for the TCK on the real relay proxy: one relay process per suite run, serving
 * canonical-flags.json translated into a GO Feature Flag flag file.
 */
public final class TckRealRelayBackend {
  static final String FLAGS = "conformance/provider-tck/flags/canonical-flags.json";
  private static RealRelay relay;

  private final ConformanceWorld world;

  public TckRealRelayBackend(ConformanceWorld world) {
    this.world = world;
  }

  @BeforeAll
  public static void startRelay() {
    relay = RealRelay.start(FlagFiles.canonical(FLAGS), FLAGS);
  }

  @Before(order = 0)
  public void useRelay() {
    world.useBackend(relay);
  }

  @After(order = 0)
  public void resetRelay() {
    relay.reset();
  }

  @AfterAll
  public static void stopRelay() {
    relay.close();
  }
}
