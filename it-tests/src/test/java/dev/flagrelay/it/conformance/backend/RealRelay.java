package dev.flagrelay.it.conformance.backend;

import dev.flagrelay.it.RelayProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The real GO Feature Flag relay proxy as the backend: the flag set is written as a GO Feature
 * Flag flag file; an outage is the process stopped and started again on the same port; a flag
 * change is the flag file rewritten (the relay re-reads it every second).
 *
 * <p>{@link #reset()} only restarts a stopped relay. A modified flag stays modified: re-seeding
 * would leave a second-long window in which the relay still serves the edit, and the one scenario
 * that modifies a flag asserts only that its value changes, whichever variant it starts from.
 */
public final class RealRelay implements RelayBackend {
  private final RelayProxy process;
  private final String source;
  private FlagSet current;

  private RealRelay(RelayProxy process, FlagSet flags, String source) {
    this.process = process;
    this.current = flags;
    this.source = source;
  }

  /** A started relay serving {@code flags}; {@code source} names where they came from. */
  public static RealRelay start(FlagSet flags, String source) {
    try {
      Path flagFile = Files.createTempFile("flagrelay-conformance-", ".yaml");
      try {
        Files.writeString(flagFile, GoffFlagFile.render(flags, source));
        return new RealRelay(RelayProxy.serving(flagFile).start(), flags, source);
      } finally {
        Files.delete(flagFile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String endpoint() {
    return process.endpoint();
  }

  @Override
  public void loseConnection() {
    process.stop();
  }

  @Override
  public void restoreConnection() {
    if (!process.running()) {
      process.start();
    }
  }

  @Override
  public void modifyFlag(String flagKey) {
    current = current.withOtherDefaultVariant(flagKey);
    process.writeFlags(GoffFlagFile.render(current, source + ", " + flagKey + " modified"));
  }

  @Override
  public Map<String, Object> lastEvaluationContext() {
    throw new UnsupportedOperationException("the real relay does not hand out the requests it received");
  }

  @Override
  public void reset() {
    restoreConnection();
  }

  @Override
  public void close() {
    process.close();
  }
}
