package dev.flagrelay.internal.cache;

import dev.flagrelay.internal.context.ContextProbe;

/**
 * A lookup of a flag for an SDK context read in place: equal to the {@link CacheKey} of the same
 * flag and a snapshot of the same context, with the same hash code, so the cache finds that entry
 * without a snapshot being built. Only looked up with, never stored.
 */
record ProbeKey(String flagKey, ContextProbe context) {
  @Override
  public boolean equals(Object other) {
    return other instanceof CacheKey key && flagKey.equals(key.flagKey()) && context.matches(key.context());
  }

  @Override
  public int hashCode() {
    return 31 * flagKey.hashCode() + context.hashCode();
  }
}
