package dev.flagrelay.internal.cache;

import dev.flagrelay.internal.context.ContextSnapshot;

/**
 * A flag key with the whole evaluation context it was asked for, compared by full equality: two
 * different contexts never share an entry, whatever their hash codes.
 */
public record CacheKey(String flagKey, ContextSnapshot context) {}
