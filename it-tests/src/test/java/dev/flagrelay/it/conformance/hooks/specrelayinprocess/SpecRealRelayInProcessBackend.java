package dev.flagrelay.it.conformance.hooks.specrelayinprocess;

import dev.flagrelay.EvaluationMode;
import dev.flagrelay.it.conformance.backend.FlagFiles;
import dev.flagrelay.it.conformance.backend.FlagSet;
import dev.flagrelay.it.conformance.backend.RealRelay;
import dev.flagrelay.it.conformance.glue.ConformanceWorld;
import io.cucumber.java.After;
import io.cucumber.java.AfterAll;
import io.cucumber.java.Before;
import io.cucumber.java.BeforeAll;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Glue for the spec's Gherkin with the provider in IN_PROCESS mode on the real relay proxy, which
 * serves the spec's test-flags.json as a GO Feature Flag flag file, but for the flags GO Feature
 * Flag cannot express.
 */
public final class SpecRealRelayInProcessBackend {
  static final String FLAGS = "conformance/openfeature-spec/test-flags.json";
  /**
   * Flags of test-flags.json without a default variant: a GO Feature Flag flag needs a {@code
   * defaultRule}, so the relay cannot serve them. No scenario of the selected features uses them.
   */
  static final List<String> UNSERVABLE = List.of("null-default-flag", "undefined-default-flag");

  private static RealRelay relay;

  private final ConformanceWorld world;

  public SpecRealRelayInProcessBackend(ConformanceWorld world) {
    this.world = world;
  }

  @BeforeAll
  public static void startRelay() {
    relay = RealRelay.start(servable(FlagFiles.specTestFlags(FLAGS)), FLAGS + " (without " + UNSERVABLE + ")");
  }

  /** The spec's flags but {@link #UNSERVABLE}; fails if another flag lacks a default (the file changed). */
  static FlagSet servable(FlagSet spec) {
    Map<String, FlagSet.Flag> flags = new LinkedHashMap<>(spec.flags());
    List<String> withoutDefault =
        flags.values().stream().filter(flag -> flag.defaultVariant() == null).map(FlagSet.Flag::key).toList();
    if (!withoutDefault.equals(UNSERVABLE)) {
      throw new IllegalStateException("flags without a default variant changed: " + withoutDefault + ", expected " + UNSERVABLE);
    }
    flags.keySet().removeAll(UNSERVABLE);
    return new FlagSet(flags);
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
