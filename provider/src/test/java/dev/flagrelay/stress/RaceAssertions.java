package dev.flagrelay.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

/** The two verdicts of the suite: the real code is clean, the racy twin is caught. */
public final class RaceAssertions {
  private RaceAssertions() {}

  /** No violation in at least {@code minRounds} rounds: the scenario really ran. */
  public static void assertClean(Race.Outcome outcome, int minRounds) {
    assertThat(outcome.violations()).as("violations").isEmpty();
    assertThat(outcome.rounds()).as("rounds actually run (guards against a vacuous pass)").isGreaterThanOrEqualTo(minRounds);
  }

  /** At least one violation, and every violation is one of the expected symptoms. */
  public static void assertCaught(Race.Outcome outcome, Symptom... expected) {
    assertThat(outcome.violations()).as("the racy twin must be caught").isNotEmpty();
    assertThat(outcome.symptoms()).as("symptoms seen").isSubsetOf(Arrays.asList(expected));
  }
}
