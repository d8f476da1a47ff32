package dev.flagrelay.it.conformance.glue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationOptions;
import dev.openfeature.sdk.FlagEvaluationOptions.FlagEvaluationOptionsBuilder;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.HookContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ThreadLocalTransactionContextPropagator;
import dev.openfeature.sdk.Value;
import io.cucumber.datatable.DataTable;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The spec's context-merging scenarios, observed where it matters for this provider: the merged
 * context is the {@code context} the provider sent to the relay, read back from the WireMock
 * stand-in's request journal. Levels: API, Transaction (thread-local propagator), Client,
 * Invocation, and Before Hooks (an invocation hook returning a context).
 */
public final class ContextMergingSteps {
  private static final String SOME_FLAG = "boolean-flag";

  private final ConformanceWorld world;
  /** Level name to the entries added at that level, in the order the steps added them. */
  private final Map<String, Map<String, Value>> levels = new LinkedHashMap<>();
  private final List<String> precedence = new ArrayList<>();

  public ContextMergingSteps(ConformanceWorld world) {
    this.world = world;
  }

  @Given("A context entry with key {string} and value {string} is added to the {string} level")
  public void aContextEntryIsAddedToTheLevel(String key, String value, String level) {
    levels.computeIfAbsent(level, l -> new HashMap<>()).put(key, new Value(value));
  }

  @Given("A table with levels of increasing precedence")
  public void aTableWithLevelsOfIncreasingPrecedence(DataTable table) {
    precedence.addAll(table.asList());
  }

  /** Each level from the first down to {@code lastLevel} gets the entry, valued with its own level name. */
  @Given(
      "Context entries for each level from API level down to the {string} level, with key {string} and value {string}")
  public void contextEntriesForEachLevel(String lastLevel, String key, String value) {
    int last = precedence.indexOf(lastLevel);
    assertThat(last).as("level %s in %s", lastLevel, precedence).isNotNegative();
    for (String level : precedence.subList(0, last)) {
      aContextEntryIsAddedToTheLevel(key, level, level);
    }
    aContextEntryIsAddedToTheLevel(key, value, lastLevel);
  }

  @When("Some flag was evaluated")
  public void someFlagWasEvaluated() {
    FlagEvaluationOptionsBuilder options = FlagEvaluationOptions.builder();
    levels.forEach((level, entries) -> apply(level, new ImmutableContext(entries), options));
    EvaluationContext invocation = new ImmutableContext(levels.getOrDefault("Invocation", Map.of()));
    world.client().getBooleanDetails(SOME_FLAG, false, invocation, options.build());
  }

  @Then("The merged context contains an entry with key {string} and value {string}")
  public void theMergedContextContainsAnEntry(String key, String value) {
    Map<String, Object> sent = world.backend().lastEvaluationContext();
    assertThat(sent).as("context sent to the relay").containsEntry(key, value);
  }

  private void apply(String level, EvaluationContext context, FlagEvaluationOptionsBuilder options) {
    switch (level) {
      case "API":
        world.api().setEvaluationContext(context);
        break;
      case "Transaction":
        world.api().setTransactionContextPropagator(new ThreadLocalTransactionContextPropagator());
        world.api().setTransactionContext(context);
        break;
      case "Client":
        world.client().setEvaluationContext(context);
        break;
      case "Invocation":
        break; // Passed to the evaluation itself.
      case "Before Hooks":
        options.hook(new ContextAddingHook(context));
        break;
      default:
        throw new IllegalArgumentException("unknown context level: " + level);
    }
  }

  /** A hook whose {@code before} stage contributes a context. */
  private static final class ContextAddingHook implements Hook<Object> {
    private final EvaluationContext context;

    ContextAddingHook(EvaluationContext context) {
      this.context = context;
    }

    @Override
    public Optional<EvaluationContext> before(HookContext<Object> ctx, Map<String, Object> hints) {
      return Optional.of(context);
    }
  }
}
