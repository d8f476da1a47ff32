package dev.flagrelay.testing;

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

/** The provider's compiled main classes, disassembled by the JDK's own {@code javap}. */
public final class Bytecode {
  private Bytecode() {}

  /** The lines of {@code javap -c -p} over every class in {@code target/classes}. */
  public static List<String> disassembledProvider() throws IOException {
    List<String> files;
    try (Stream<Path> walk = Files.walk(Paths.get("target", "classes"))) {
      files = walk.filter(p -> p.toString().endsWith(".class")).map(Path::toString).toList();
    }
    if (files.size() < 20) {
      throw new IllegalStateException("expected the provider's compiled classes, found " + files.size());
    }
    List<String> arguments = new ArrayList<>(List.of("-c", "-p"));
    arguments.addAll(files);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        ToolProvider.findFirst("javap").orElseThrow()
            .run(new PrintWriter(out), new PrintWriter(err), arguments.toArray(String[]::new));
    if (status != 0) {
      throw new IllegalStateException("javap failed: " + err);
    }
    return out.toString().lines().toList();
  }
}
