package dev.flagrelay.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The provider never blocks a (virtual) thread's carrier while holding a monitor because it holds
 * no monitor at all: no {@code synchronized} method or block anywhere in its classes ({@code
 * ReentrantLock} only, which a virtual thread can unmount from).
 */
@Tag("stress")
class NoMonitorsTest {
  @Test
  void providerBytecode_hasNoSynchronizedMethodOrBlock() throws IOException {
    Path classes = Paths.get("target", "classes");
    List<String> files;
    try (Stream<Path> walk = Files.walk(classes)) {
      files = walk.filter(p -> p.toString().endsWith(".class")).map(Path::toString).toList();
    }
    assertThat(files).as("compiled provider classes").hasSizeGreaterThan(20);

    List<String> arguments = new ArrayList<>(List.of("-c", "-p"));
    arguments.addAll(files);
    StringWriter out = new StringWriter();
    int status =
        ToolProvider.findFirst("javap").orElseThrow()
            .run(new PrintWriter(out), new PrintWriter(new StringWriter()), arguments.toArray(String[]::new));

    assertThat(status).isZero();
    List<String> monitors =
        out.toString().lines().filter(line -> line.contains("monitorenter") || line.contains(" synchronized ")).toList();
    assertThat(monitors).isEmpty();
  }
}
