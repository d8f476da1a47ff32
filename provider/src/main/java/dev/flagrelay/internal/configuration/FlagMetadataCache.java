package dev.flagrelay.internal.configuration;

import dev.flagrelay.internal.relay.RelayAnswer;
import dev.openfeature.sdk.ImmutableMetadata;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SDK metadata of one configuration's answers, each built once: per engine metadata map (the
 * engine hands out one immutable map per flag rule, made when the configuration was compiled)
 * and per cacheable marker. {@link ImmutableMetadata} is immutable, so every evaluation of that
 * rule shares it.
 *
 * <p>Design: lives as long as its {@link ConfigurationSnapshot}, so a new configuration starts
 * empty and never sees the previous one's metadata. Keyed by the map's identity (no hashing of
 * its content on the evaluation path); filled lazily and lock-free for readers ({@code
 * ConcurrentHashMap}). The engine's maps are finite per configuration; should it ever hand out
 * more than {@link #MAX_ENTRIES} distinct ones, the rest are built per evaluation, uncached.
 */
public final class FlagMetadataCache {
  static final int MAX_ENTRIES = 50_000;

  private final ConcurrentHashMap<Identity, ImmutableMetadata> cacheable = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Identity, ImmutableMetadata> notCacheable = new ConcurrentHashMap<>();

  /**
   * The metadata the relay's OFREP answer would carry for these engine metadata: the same
   * scalars, plus {@code gofeatureflag_cacheable: true} when the answer is cacheable.
   */
  public ImmutableMetadata of(Map<String, Object> metadata, boolean cacheableAnswer) {
    ConcurrentHashMap<Identity, ImmutableMetadata> built = cacheableAnswer ? cacheable : notCacheable;
    Identity key = new Identity(metadata);
    ImmutableMetadata found = built.get(key);
    if (found != null) {
      return found;
    }
    ImmutableMetadata made = build(metadata, cacheableAnswer);
    if (built.size() >= MAX_ENTRIES) {
      return made;
    }
    ImmutableMetadata raced = built.putIfAbsent(key, made);
    return raced == null ? made : raced;
  }

  private static ImmutableMetadata build(Map<String, Object> metadata, boolean cacheableAnswer) {
    Map<String, Object> sent = new HashMap<>(metadata.size() + 1);
    metadata.forEach(
        (key, value) -> {
          if (value != null) { // A JSON null (YAML's empty value): dropped, as the remote mode drops it.
            sent.put(key, asDecodedFromJson(value));
          }
        });
    if (cacheableAnswer) {
      sent.put(RelayAnswer.CACHEABLE_KEY, true);
    }
    return new RelayAnswer(null, null, null, sent).flagMetadata();
  }

  /**
   * The engine reads every integral number as a Long; the remote mode decodes one within 32 bits
   * as an Integer, so its metadata answers {@code getInteger}. Same types in both modes.
   */
  private static Object asDecodedFromJson(Object value) {
    if (value instanceof Long number && number == number.intValue()) {
      return number.intValue();
    }
    return value;
  }

  /** A map compared by identity: the engine's metadata maps are immutable and made once. */
  private record Identity(Map<String, Object> map) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Identity identity && identity.map == map;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(map);
    }
  }
}
