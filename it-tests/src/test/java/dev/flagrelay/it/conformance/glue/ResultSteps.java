package dev.flagrelay.it.conformance.glue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.Value;
import io.cucumber.datatable.DataTable;
import io.cucumber.java.en.Then;
import java.util.Map;

/** Assertions on the last evaluation's details; each failure message carries the whole details. */
public final class ResultSteps {
  private final ConformanceWorld world;

  public ResultSteps(ConformanceWorld world) {
    this.world = world;
  }

  @Then("the resolved details value should be {string}")
  public void theResolvedDetailsValueShouldBe(String expected) {
    FlagEvaluationDetails<?> details = world.details();
    assertThat(world.flagType.matches(details.getValue(), expected))
        .as("value %s (%s) should be %s; details: %s", details.getValue(), typeOf(details.getValue()), expected,
            details)
        .isTrue();
  }

  @Then("the reason should be {string}")
  public void theReasonShouldBe(String reason) {
    assertThat(world.details().getReason()).as("reason; details: %s", world.details()).isEqualTo(reason);
  }

  /** {@code ""} means no error code at all. */
  @Then("the error-code should be {string}")
  public void theErrorCodeShouldBe(String code) {
    ErrorCode expected = code.isEmpty() ? null : ErrorCode.valueOf(code);
    assertThat(world.details().getErrorCode()).as("error code; details: %s", world.details()).isEqualTo(expected);
  }

  @Then("the error message should be empty")
  public void theErrorMessageShouldBeEmpty() {
    assertThat(world.details().getErrorMessage()).as("error message; details: %s", world.details()).isNullOrEmpty();
  }

  @Then("no exception should have been thrown")
  public void noExceptionShouldHaveBeenThrown() {
    assertThat(world.thrown).as("exception thrown by the evaluation").isNull();
  }

  @Then("the variant should be {string}")
  public void theVariantShouldBe(String variant) {
    assertThat(world.details().getVariant()).as("variant; details: %s", world.details()).isEqualTo(variant);
  }

  @Then("the flag key should be {string}")
  public void theFlagKeyShouldBe(String key) {
    assertThat(world.details().getFlagKey()).isEqualTo(key);
  }

  @Then("the resolved details value should have changed")
  public void theResolvedDetailsValueShouldHaveChanged() {
    assertThat(world.details().getValue())
        .as("value after the change; details: %s", world.details())
        .isNotEqualTo(world.remembered);
  }

  /** Rows: key, type (Boolean, String, Integer, Float), value. */
  @Then("the resolved object value should contain")
  public void theResolvedObjectValueShouldContain(DataTable table) {
    Object value = world.details().getValue();
    assertThat(value).as("object value; details: %s", world.details()).isInstanceOf(Value.class);
    Value object = (Value) value;
    assertThat(object.isStructure()).as("object value is a structure: %s", object).isTrue();
    for (Map<String, String> row : table.asMaps()) {
      Value field = object.asStructure().getValue(row.get("key"));
      assertThat(field).as("field %s of %s", row.get("key"), object).isNotNull();
      Object expected = FlagKind.named(row.get("type"), false).parse(row.get("value"));
      assertThat(field.asObject()).as("field %s", row.get("key")).isEqualTo(expected);
    }
  }

  /** Rows: key, metadata_type (String, Integer, Float, Boolean), value. */
  @Then("the resolved metadata should contain")
  public void theResolvedMetadataShouldContain(DataTable table) {
    ImmutableMetadata metadata = world.details().getFlagMetadata();
    for (Map<String, String> row : table.asMaps()) {
      String key = row.get("key");
      Object expected = FlagKind.named(row.get("metadata_type"), false).parse(row.get("value"));
      Object actual =
          expected instanceof Double ? metadata.getDouble(key) : metadata.getValue(key, expected.getClass());
      assertThat(actual).as("metadata %s in %s", key, metadata.asUnmodifiableMap()).isEqualTo(expected);
    }
  }

  @Then("the resolved metadata is empty")
  public void theResolvedMetadataIsEmpty() {
    ImmutableMetadata metadata = world.details().getFlagMetadata();
    assertThat(metadata.asUnmodifiableMap()).as("flag metadata; details: %s", world.details()).isEmpty();
  }

  private static String typeOf(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName();
  }
}
