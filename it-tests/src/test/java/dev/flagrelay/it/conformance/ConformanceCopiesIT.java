package dev.flagrelay.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The feature and flag files under {@code src/test/resources/conformance} are verbatim copies of
 * the shared conformance assets in {@code ../shared/conformance} beside the repository: fails when
 * either side changed. A clone has no {@code ../shared} beside it, and the tests only read the
 * copies, so there this check is skipped (a JUnit assumption, with a message saying so).
 */
class ConformanceCopiesIT {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "provider-tck/gherkin/errors.feature",
        "provider-tck/gherkin/evaluation.feature",
        "provider-tck/gherkin/events.feature",
        "provider-tck/gherkin/lifecycle.feature",
        "provider-tck/gherkin/metadata.feature",
        "provider-tck/gherkin/reason.feature",
        "provider-tck/flags/canonical-flags.json",
        "openfeature-spec/evaluation_v2.feature",
        "openfeature-spec/metadata.feature",
        "openfeature-spec/contextMerging.feature",
        "openfeature-spec/test-flags.json",
        "goff-provider-tests/flags.yaml"
      })
  void copyIsVerbatim(String file) throws IOException {
    Path original = originals().resolve(file);
    try (InputStream copy = getClass().getClassLoader().getResourceAsStream("conformance/" + file)) {
      assertThat(copy).as("classpath copy of %s", file).isNotNull();
      assertThat(copy.readAllBytes()).as("copy of %s", original).isEqualTo(Files.readAllBytes(original));
    }
  }

  @Test
  void everySharedFeatureOfTheTckIsCopied() throws IOException {
    try (Stream<Path> features = Files.list(originals().resolve("provider-tck/gherkin"))) {
      assertThat(features.map(path -> path.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "errors.feature",
              "evaluation.feature",
              "events.feature",
              "lifecycle.feature",
              "metadata.feature",
              "reason.feature");
    }
  }

  /** {@code ../shared/conformance} beside the repository; skips the calling test when absent. */
  private static Path originals() {
    Path module = Paths.get(System.getProperty("basedir", "")).toAbsolutePath();
    Path originals = module.resolve("../../shared/conformance").normalize();
    assumeTrue(
        Files.isDirectory(originals),
        () ->
            originals
                + " is absent (no ../shared beside this checkout): the copies under"
                + " src/test/resources/conformance cannot be compared with their originals");
    return originals;
  }
}
