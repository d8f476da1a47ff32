package dev.flagrelay.engine.internal.eval;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One flag, compiled: its states along the scheduled rollout (state {@code i} is the flag with
 * the first {@code i} steps applied, steps sorted by date), and what does not change with them.
 */
public final class CompiledFlag {
  private final int keyHash;
  private final List<String> bucketingPath;
  private final String bucketingKey;
  private final boolean trackEvents;
  private final String version;
  private final Map<String, Object> metadata;
  private final List<Instant> stepDates;
  private final List<FlagState> states;
  private final boolean needsBucketing;

  /**
   * @param key the flag key (hashed once: buckets hash the flag key followed by the bucketing key)
   * @param bucketingKey the dotted path of the bucketing key, {@code null} for the targeting key
   * @param trackEvents the flag's own {@code trackEvents}
   * @param version the flag's own {@code version}, {@code null} when absent
   * @param metadata the flag's metadata
   * @param stepDates the scheduled steps' dates, ascending
   * @param states one more state than steps
   */
  public CompiledFlag(
      String key,
      String bucketingKey,
      boolean trackEvents,
      String version,
      Map<String, Object> metadata,
      List<Instant> stepDates,
      List<FlagState> states) {
    if (states.size() != stepDates.size() + 1) {
      throw new IllegalArgumentException(states.size() + " states for " + stepDates.size() + " steps");
    }
    this.keyHash = Fnv1a.hash(key);
    this.bucketingKey = bucketingKey;
    this.bucketingPath = bucketingKey == null ? null : List.of(bucketingKey.split("\\.", -1));
    this.trackEvents = trackEvents;
    this.version = version;
    this.metadata = metadata;
    this.stepDates = List.copyOf(stepDates);
    this.states = List.copyOf(states);
    this.needsBucketing = this.states.stream().anyMatch(FlagState::needsBucketing);
  }

  /** The state in force at {@code now}: every step dated at or before it applied. */
  FlagState stateAt(Instant now) {
    int applied = 0;
    while (applied < stepDates.size() && !stepDates.get(applied).isAfter(now)) {
      applied++;
    }
    return states.get(applied);
  }

  int keyHash() {
    return keyHash;
  }

  List<String> bucketingPath() {
    return bucketingPath;
  }

  String bucketingKey() {
    return bucketingKey;
  }

  boolean needsBucketing() {
    return needsBucketing;
  }

  boolean scheduled() {
    return !stepDates.isEmpty();
  }

  boolean trackEvents() {
    return trackEvents;
  }

  String version() {
    return version;
  }

  Map<String, Object> metadata() {
    return metadata;
  }
}
