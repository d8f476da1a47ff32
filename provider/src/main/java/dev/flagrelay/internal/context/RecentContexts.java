package dev.flagrelay.internal.context;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Value;
import java.lang.ref.WeakReference;
import java.util.Map;

/**
 * Per thread, the probe of the last context read in place: evaluating several flags for one
 * context object (or one flag again) hashes it once, and once a snapshot of it is known, the cache
 * compares that snapshot by identity instead of attribute by attribute, and a miss reuses it
 * instead of copying the context again.
 *
 * <p>Sound because a probe only reads an {@code ImmutableContext}'s own attribute map, and only
 * when every value in it is immutable ({@link ContextProbe}: no object of the application's inside
 * a list item, no number of a mutable class): the same map object has the same attributes for as
 * long as it exists, and the remembered probe keeps it alive, so no other map can take its
 * identity. A snapshot is only
 * remembered after {@link ContextProbe#matches} compared it in full.
 *
 * <p>Each thread's entry is a weak reference to the probe, so a thread pool's threads never keep
 * a context (nor, in an application server, the provider's class loader) alive: the collector may
 * clear it at any time, and the next evaluation simply hashes again. The entry is only ever read
 * and replaced by its own thread.
 */
public final class RecentContexts {
  private final ThreadLocal<WeakReference<ContextProbe>> last = new ThreadLocal<>();

  /** A probe of {@code context}, or null when it must be copied into a snapshot instead. */
  public ContextProbe probe(EvaluationContext context) {
    Map<String, Value> attributes = ContextProbe.readInPlace(context);
    if (attributes == null) {
      return null;
    }
    ContextProbe recent = recent();
    if (recent != null && recent.reads(attributes)) {
      return recent;
    }
    ContextProbe probe = ContextProbe.ofAttributes(attributes);
    if (probe != null) {
      last.set(new WeakReference<>(probe));
    }
    return probe;
  }

  /**
   * Remembers that {@code snapshot} (the cache's, found through {@code probe}, or a new one of the
   * same context) equals a snapshot of {@code probe}'s context.
   */
  public void remember(ContextProbe probe, ContextSnapshot snapshot) {
    if (probe.knownSnapshot() != null) {
      return;
    }
    ContextProbe knowing = probe.knowing(snapshot);
    if (knowing != probe && recent() == probe) {
      last.set(new WeakReference<>(knowing));
    }
  }

  /**
   * A snapshot of {@code context}: the one remembered for {@code probe} (its probe, or null when
   * it has none), else a new copy, which is then remembered.
   *
   * @throws java.util.ConcurrentModificationException as {@link ContextSnapshot#of}
   * @throws ContextTooDeepException as {@link ContextSnapshot#of}
   */
  public ContextSnapshot snapshot(ContextProbe probe, EvaluationContext context) {
    if (probe == null) {
      return ContextSnapshot.of(context);
    }
    ContextSnapshot known = probe.knownSnapshot();
    if (known != null) {
      return known;
    }
    ContextSnapshot snapshot = ContextSnapshot.of(context);
    remember(probe, snapshot);
    return snapshot;
  }

  private ContextProbe recent() {
    WeakReference<ContextProbe> ref = last.get();
    return ref == null ? null : ref.get();
  }
}
