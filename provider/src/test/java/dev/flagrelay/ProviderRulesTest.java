package dev.flagrelay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.testing.Bytecode;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Rules about the provider as a whole, checked on its compiled classes and its README. */
class ProviderRulesTest {
  /** GOFF-CFG-005: the endpoint and credentials come from the options, never the environment. */
  @Test
  void providerNeverReadsEnvironmentVariablesOrSystemProperties() throws IOException {
    assertThat(Bytecode.disassembledProvider())
        .filteredOn(line -> line.contains("java/lang/System.getenv") || line.contains("java/lang/System.getProperty"))
        .isEmpty();
  }

  /**
   * GOFF-CFG-009/010: every option the builder offers is documented in the README's configuration
   * table, and every documented option exists (no inert or undocumented option).
   */
  @Test
  void builderOptions_matchTheReadmeConfigurationTable() throws IOException {
    Set<String> offered = new TreeSet<>();
    for (Method method : GoFeatureFlagProviderOptions.Builder.class.getDeclaredMethods()) {
      if (Modifier.isPublic(method.getModifiers()) && !method.getName().equals("build")) {
        offered.add(method.getName());
      }
    }
    String readme = Files.readString(Paths.get("..", "README.md"));
    String table = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("## What the provider does"));
    Set<String> documented = new TreeSet<>();
    Matcher option = Pattern.compile("`(\\w+)\\(").matcher(table);
    while (option.find()) {
      documented.add(option.group(1));
    }
    documented.remove("build"); // The table's preamble says options are validated by `build()`.

    assertThat(documented).containsExactlyInAnyOrderElementsOf(offered);
    assertThat(Arrays.stream(GoFeatureFlagProviderOptions.class.getMethods()).map(Method::getName))
        .doesNotContain("evaluationType"); // Named evaluationMode here (issue 13).
  }
}
