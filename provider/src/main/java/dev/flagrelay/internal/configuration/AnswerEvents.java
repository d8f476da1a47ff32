package dev.flagrelay.internal.configuration;

import dev.flagrelay.internal.relay.FeatureEvent;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The feature events of one configuration's successful answers, each built once: per flag,
 * variation and value ({@link FeatureEvent#evaluatedInProcess}). Every in-process evaluation of
 * that answer shares it, adding only who and when.
 *
 * <p>Design: lives as long as its {@link ConfigurationSnapshot}, so a new configuration starts
 * empty (a changed version or value is never reported from the previous one). The value is
 * compared by identity: the engine hands out one immutable value per variation and flag state,
 * made when the configuration was compiled, so no value tree is hashed on the evaluation path.
 * Filled lazily and lock-free for readers; should more than {@link #MAX_ENTRIES} distinct answers
 * ever appear, the rest are built per evaluation, uncached.
 */
public final class AnswerEvents {
  static final int MAX_ENTRIES = 50_000;

  private final ConcurrentHashMap<Answer, FeatureEvent> built = new ConcurrentHashMap<>();

  /**
   * The event of an evaluation of {@code flagKey} answering {@code variation} with {@code value}.
   *
   * @param version the flag's version, null when it has none (reported as {@code ""})
   */
  public FeatureEvent of(String flagKey, String variation, Object value, String version) {
    Answer key = new Answer(flagKey, variation, value);
    FeatureEvent found = built.get(key);
    if (found != null) {
      return found;
    }
    FeatureEvent made = FeatureEvent.evaluatedInProcess(flagKey, variation, value, version == null ? "" : version);
    if (built.size() >= MAX_ENTRIES) {
      return made;
    }
    FeatureEvent raced = built.putIfAbsent(key, made);
    return raced == null ? made : raced;
  }

  /** A flag's answer: key and variation by value, the value by identity. */
  private record Answer(String flagKey, String variation, Object value) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Answer that
          && that.value == value
          && that.flagKey.equals(flagKey)
          && that.variation.equals(variation);
    }

    @Override
    public int hashCode() {
      return 31 * flagKey.hashCode() + variation.hashCode();
    }
  }
}
