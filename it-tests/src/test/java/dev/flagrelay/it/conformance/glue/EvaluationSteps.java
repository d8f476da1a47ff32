package dev.flagrelay.it.conformance.glue;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.When;

/** Names the flag under test, builds the evaluation context, evaluates, and changes the flag on the backend. */
public final class EvaluationSteps {
  private final ConformanceWorld world;

  public EvaluationSteps(ConformanceWorld world) {
    this.world = world;
  }

  /** The TCK's wording. Under {@code @large-integers} an Integer is asked of the 64-bit accessor. */
  @Given("a {word}-flag with key {string} and a default value {string}")
  public void aFlagWithDefaultValue(String type, String key, String defaultValue) {
    FlagKind kind = FlagKind.named(type, world.hasTag("@large-integers"));
    world.flagType = kind;
    world.flagKey = key;
    world.defaultValue = kind.parse(defaultValue);
  }

  /** The spec's wording (Appendix B). */
  @Given("a {word}-flag with key {string} and a fallback value {string}")
  public void aFlagWithFallbackValue(String type, String key, String fallback) {
    aFlagWithDefaultValue(type, key, fallback);
  }

  @Given("a context containing a targeting key with value {string}")
  public void aContextContainingATargetingKey(String targetingKey) {
    world.contextToAddTo().setTargetingKey(targetingKey);
  }

  @Given("a context containing a key {string}, with type {string} and with value {string}")
  public void aContextContainingAKeyWithTypeAndValue(String key, String type, String value) {
    switch (type) {
      case "String":
        world.contextToAddTo().add(key, value);
        break;
      case "Integer":
        world.contextToAddTo().add(key, Integer.valueOf(value));
        break;
      case "Float":
        world.contextToAddTo().add(key, Double.valueOf(value));
        break;
      case "Boolean":
        world.contextToAddTo().add(key, (Boolean) FlagKind.BOOLEAN.parse(value));
        break;
      default:
        throw new IllegalArgumentException("unknown context value type: " + type);
    }
  }

  @Given("a context containing a key {string} with null value")
  public void aContextContainingAKeyWithNullValue(String key) {
    world.contextToAddTo().add(key, (String) null);
  }

  @When("the flag was evaluated with details")
  public void theFlagWasEvaluatedWithDetails() {
    world.evaluate();
  }

  @When("the resolved value is remembered")
  public void theResolvedValueIsRemembered() {
    world.remembered = world.details().getValue();
  }

  @When("the flag was modified")
  public void theFlagWasModified() {
    world.backend().modifyFlag(world.flagKey);
  }
}
