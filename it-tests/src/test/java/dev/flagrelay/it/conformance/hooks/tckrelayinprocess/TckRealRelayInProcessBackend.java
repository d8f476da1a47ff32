package dev.flagrelay.it.conformance.hooks.tckrelayinprocess;

import dev.flagrelay.EvaluationMode;
import dev.flagrelay.it.conformance.backend.FlagFiles;
import dev.flagrelay.it.conformance.backend.RealRelay;
import dev.flagrelay.it.conformance.glue.ConformanceWorld;
import io.cucumber.java.After;
import io.cucumber.java.AfterAll;
import io.cucumber.java.Before;
import io.cucumber.java.BeforeAll;

/** Glue for the TCK in in-process mode on the real relay proxy, serving the canonical flags. */
public final class TckRealRelayInProcessBackend {
  static final String FLAGS = "conformance/provider-tck/flags/canonical-flags.json";
  private static RealRelay relay;

  private final ConformanceWorld world;

  public TckRealRelayInProcessBackend(ConformanceWorld world) {
    this.world = world;
  }

  @BeforeAll
  public static void startRelay() {
    relay = RealRelay.start(FlagFiles.canonical(FLAGS), FLAGS);
  }

  @Before(order = 0)
  public void useRelay() {
    world.useBackend(relay);
    world.useEvaluationMode(EvaluationMode.IN_PROCESS);
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
