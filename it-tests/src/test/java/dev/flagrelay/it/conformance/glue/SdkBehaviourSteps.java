package dev.flagrelay.it.conformance.glue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.FlagEvaluationOptions;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.HookContext;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.Value;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The spec scenarios about the SDK around the provider: invocation hooks, immutability of what
 * the caller passes and receives, and asynchronous evaluation.
 */
public final class SdkBehaviourSteps {
  private static final Duration ASYNC_LIMIT = Duration.ofSeconds(5);

  private final ConformanceWorld world;
  private final List<String> hookCalls = new CopyOnWriteArrayList<>();
  private Map<String, Object> contextBefore;
  private CompletableFuture<FlagEvaluationDetails<?>> asyncEvaluation;

  public SdkBehaviourSteps(ConformanceWorld world) {
    this.world = world;
  }

  @Given("evaluation options containing specific hooks")
  public void evaluationOptionsContainingSpecificHooks() {
    world.options =
        FlagEvaluationOptions.builder()
            .hook(new RecordingHook("first", hookCalls))
            .hook(new RecordingHook("second", hookCalls))
            .build();
  }

  @When("the flag was evaluated with details using the evaluation options")
  public void theFlagWasEvaluatedWithDetailsUsingTheEvaluationOptions() {
    world.evaluate();
  }

  @Then("the specified hooks should execute during evaluation")
  public void theSpecifiedHooksShouldExecuteDuringEvaluation() {
    assertThat(hookCalls)
        .contains("first.before", "second.before", "first.after", "second.after", "first.finally", "second.finally")
        .noneMatch(call -> call.endsWith(".error"));
  }

  /**
   * Stages run in order (every before, then every after, then every finally), and the after and
   * finally stages unwind the hooks in the reverse of the order their before stages ran. Spec 4.4.2
   * orders hooks by level (API, client, invocation, provider), not within one level: SDK 1.22 runs
   * the before stages of two invocation hooks in reverse registration order, which is its choice.
   */
  @Then("the hook order should be maintained")
  public void theHookOrderShouldBeMaintained() {
    List<String> before = stage("before");
    assertThat(before).hasSize(2);
    assertThat(hookCalls).as("hook calls").hasSize(6);
    assertThat(hookCalls.subList(0, 2)).as("before stages first: %s", hookCalls).allMatch(c -> c.endsWith(".before"));
    assertThat(hookCalls.subList(2, 4)).as("after stages next: %s", hookCalls).allMatch(c -> c.endsWith(".after"));
    assertThat(hookCalls.subList(4, 6)).as("finally stages last: %s", hookCalls).allMatch(c -> c.endsWith(".finally"));
    List<String> unwound = new ArrayList<>(before);
    Collections.reverse(unwound);
    assertThat(stage("after")).as("after stages in reverse: %s", hookCalls).isEqualTo(unwound);
    assertThat(stage("finally")).as("finally stages in reverse: %s", hookCalls).isEqualTo(unwound);
  }

  /** The hook names whose {@code stage} ran, in the order they ran. */
  private List<String> stage(String stage) {
    return hookCalls.stream()
        .filter(call -> call.endsWith("." + stage))
        .map(call -> call.substring(0, call.indexOf('.')))
        .toList();
  }

  @Given("an evaluation context with modifiable data")
  public void anEvaluationContextWithModifiableData() {
    MutableContext context = world.contextToAddTo();
    context.setTargetingKey("immutability-user");
    context.add("email", "someone@example.com");
    context.add("age", 42);
    contextBefore = Map.copyOf(context.asObjectMap());
  }

  @Then("the original evaluation context should remain unmodified")
  public void theOriginalEvaluationContextShouldRemainUnmodified() {
    assertThat(world.context.asObjectMap()).isEqualTo(contextBefore);
  }

  /**
   * SDK 1.22's {@code FlagEvaluationDetails} is a mutable bean (it has setters), so immutability
   * cannot be asserted of the type. Asserted instead is what the provider controls: the details
   * handed out are the caller's own copy (mutating them changes no later evaluation, so no cached
   * answer is shared) and the flag metadata is the immutable {@code ImmutableMetadata}.
   */
  @Then("the evaluation details should be immutable")
  public void theEvaluationDetailsShouldBeImmutable() {
    @SuppressWarnings("unchecked")
    FlagEvaluationDetails<Object> first = (FlagEvaluationDetails<Object>) world.details();
    Object value = first.getValue();
    String variant = first.getVariant();
    first.setValue(value instanceof Boolean b ? !b : new Value("mutated"));
    first.setVariant("mutated");
    first.setReason("MUTATED");

    world.evaluate();

    assertThat(world.details().getValue()).isEqualTo(value);
    assertThat(world.details().getVariant()).isEqualTo(variant);
    assertThat(world.details().getReason()).isNotEqualTo("MUTATED");
    assertThat(world.details().getFlagMetadata().getClass().getSimpleName()).isEqualTo("ImmutableMetadata");
  }

  @When("the flag was evaluated with details asynchronously")
  public void theFlagWasEvaluatedWithDetailsAsynchronously() {
    asyncEvaluation = CompletableFuture.supplyAsync(world::resolve);
  }

  @Then("the evaluation should complete without blocking")
  public void theEvaluationShouldCompleteWithoutBlocking() throws Exception {
    world.details = asyncEvaluation.get(ASYNC_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Records each stage it runs as {@code name.stage}. */
  private static final class RecordingHook implements Hook<Object> {
    private final String name;
    private final List<String> calls;

    RecordingHook(String name, List<String> calls) {
      this.name = name;
      this.calls = calls;
    }

    @Override
    public Optional<EvaluationContext> before(HookContext<Object> ctx, Map<String, Object> hints) {
      calls.add(name + ".before");
      return Optional.empty();
    }

    @Override
    public void after(HookContext<Object> ctx, FlagEvaluationDetails<Object> details, Map<String, Object> hints) {
      calls.add(name + ".after");
    }

    @Override
    public void error(HookContext<Object> ctx, Exception error, Map<String, Object> hints) {
      calls.add(name + ".error");
    }

    @Override
    public void finallyAfter(
        HookContext<Object> ctx, FlagEvaluationDetails<Object> details, Map<String, Object> hints) {
      calls.add(name + ".finally");
    }
  }
}
