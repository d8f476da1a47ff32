package dev.flagrelay.stress;

import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.relay.RelayException;
import java.time.Duration;
import java.util.Map;

/** A relay stand-in whose every endpoint answers success; scenarios override what they watch. */
public class StubRelay implements RelayClient {
  @Override
  public RelayAnswer evaluate(String flagKey, ContextSnapshot context) throws RelayException {
    return new RelayAnswer(true, "on", "TARGETING_MATCH", Map.of(RelayAnswer.CACHEABLE_KEY, true));
  }

  @Override
  public FlagChanges flagChanges(String etag) throws RelayException {
    return FlagChanges.of("\"1\"", Map.of());
  }

  @Override
  public void sendEvents(byte[] envelope, Duration timeout) throws RelayException {}

  @Override
  public void close() {}
}
