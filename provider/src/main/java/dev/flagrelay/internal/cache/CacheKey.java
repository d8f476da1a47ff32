package dev.flagrelay.internal.cache;

import dev.flagrelay.internal.context.ContextSnapshot;

/**
 * A flag key with the whole evaluation context it was asked for, compared by full equality: two
 * different contexts never share an entry, whatever their hash codes.
 *
 * <p>{@code equals} and {@code hashCode} are written out: every cache hit runs them, and the
 * record's generated versions (an {@code invokedynamic} per call site) profiled as the single
 * largest cost of a hit. A {@link ProbeKey} of the same flag and context is equal to it, both ways.
 */
public record CacheKey(String flagKey, ContextSnapshot context) {
  @Override
  public boolean equals(Object other) {
    return this == other
        || (other instanceof CacheKey that && flagKey.equals(that.flagKey) && context.equals(that.context))
        || (other instanceof ProbeKey probe && probe.equals(this));
  }

  @Override
  public int hashCode() {
    return 31 * flagKey.hashCode() + context.hashCode();
  }
}
