package dev.flagrelay.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

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
 * the shared conformance assets ({@code shared.dir}/conformance): fails when either side changed.
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
        "openfeature-spec/test-flags.json"
      })
  void copyIsVerbatim(String file) throws IOException {
    Path original = sharedConformance().resolve(file);
    try (InputStream copy = getClass().getClassLoader().getResourceAsStream("conformance/" + file)) {
      assertThat(copy).as("classpath copy of %s", file).isNotNull();
      assertThat(copy.readAllBytes()).as("copy of %s", original).isEqualTo(Files.readAllBytes(original));
    }
  }

  @Test
  void everySharedFeatureOfTheTckIsCopied() throws IOException {
    try (Stream<Path> features = Files.list(sharedConformance().resolve("provider-tck/gherkin"))) {
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

  private static Path sharedConformance() {
    Path shared = Paths.get(System.getProperty("shared.dir", "/work/shared"));
    return shared.resolve("conformance").toAbsolutePath().normalize();
  }
}
