package dev.flagrelay.internal.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.LayeredEvaluationContext;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-thread memo of the last context read in place answers exactly as a fresh probe and a
 * fresh snapshot would: it only ever shortens the work for the very same context object.
 */
class RecentContextsTest {
  @Test
  void sameContextObject_isHashedOnce_andAMissReusesItsRememberedSnapshot() {
    RecentContexts recent = new RecentContexts();
    ImmutableContext context = new ImmutableContext("user-1", Map.of("plan", new Value("pro")));

    ContextProbe probe = recent.probe(context);
    ContextSnapshot first = recent.snapshot(probe, context);
    ContextProbe again = recent.probe(context);
    ContextSnapshot second = recent.snapshot(again, context);

    assertThat(again.hashCode()).isEqualTo(probe.hashCode());
    assertThat(again.knownSnapshot()).isSameAs(first);
    assertThat(second).isSameAs(first).isEqualTo(ContextSnapshot.of(context));
  }

  @Test
  void sdkLayersAroundTheSameImmutableContext_shareItsMemo() {
    RecentContexts recent = new RecentContexts();
    ImmutableContext invocation = new ImmutableContext("user-1", Map.of("plan", new Value("pro")));
    ContextSnapshot snapshot = recent.snapshot(recent.probe(layered(invocation)), layered(invocation));

    ContextProbe probe = recent.probe(layered(invocation));

    assertThat(probe.knownSnapshot()).isSameAs(snapshot);
    assertThat(recent.snapshot(probe, layered(invocation))).isSameAs(snapshot);
  }

  @Test
  void anEqualContextOfAnotherObject_isComparedInFull_andStillMatches() {
    RecentContexts recent = new RecentContexts();
    ImmutableContext context = new ImmutableContext("user-1", Map.of("plan", new Value("pro")));
    ContextSnapshot cached = recent.snapshot(recent.probe(context), context);

    ImmutableContext copy = new ImmutableContext("user-1", Map.of("plan", new Value("pro")));
    ContextProbe probe = recent.probe(copy);

    assertThat(probe.knownSnapshot()).isNull();
    assertThat(probe.matches(cached)).isTrue();
  }

  @Test
  void aSnapshotOfAnotherContext_isNeverRemembered() {
    RecentContexts recent = new RecentContexts();
    ImmutableContext context = new ImmutableContext("user-1", Map.of("plan", new Value("pro")));
    ContextProbe probe = recent.probe(context);

    recent.remember(probe, ContextSnapshot.of(new ImmutableContext("user-2", Map.of("plan", new Value("pro")))));

    ContextProbe again = recent.probe(context);
    assertThat(again.knownSnapshot()).isNull();
    assertThat(recent.snapshot(again, context)).isEqualTo(ContextSnapshot.of(context));
  }

  @Test
  void contextsNotReadInPlace_haveNoProbe_andAreCopied() {
    RecentContexts recent = new RecentContexts();
    MutableContext mutable = new MutableContext("user-1");

    assertThat(recent.probe(mutable)).isNull();
    assertThat(recent.snapshot(null, mutable)).isEqualTo(ContextSnapshot.of(mutable));
  }

  /**
   * Random walks over a small pool of contexts (near misses with equal hash codes among them),
   * where the next context is often the same object again, sometimes an equal copy, sometimes
   * another: whatever the memo holds, each snapshot equals a fresh one of its own context, and
   * each probe matches a pool snapshot exactly when a fresh snapshot would equal it.
   */
  @Test
  void randomWalks_memoAnswersAsFreshProbesAndSnapshotsWould() {
    for (boolean tiny : new boolean[] {false, true}) {
      RecentContexts recent = new RecentContexts();
      ContextProbeTest.Contexts pool = new ContextProbeTest.Contexts(7, tiny);
      ContextProbeTest.Contexts copies = new ContextProbeTest.Contexts(7, tiny); // The same sequence again.
      List<ImmutableContext> contexts = new ArrayList<>();
      List<ImmutableContext> equalCopies = new ArrayList<>();
      List<ContextSnapshot> cached = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        contexts.add(pool.next());
        equalCopies.add(copies.next());
        cached.add(ContextSnapshot.of(contexts.get(i)));
      }
      Random random = new Random(tiny ? 2 : 1);
      int index = 0;
      int reused = 0;
      for (int step = 0; step < 20_000; step++) {
        int move = random.nextInt(10);
        if (move >= 6) {
          index = random.nextInt(contexts.size());
        }
        ImmutableContext context = move == 5 ? equalCopies.get(index) : contexts.get(index);
        ContextSnapshot fresh = ContextSnapshot.of(context);

        ContextProbe probe = recent.probe(context);
        if (probe.knownSnapshot() != null) {
          reused++;
        }
        ContextSnapshot other = cached.get(random.nextInt(cached.size()));
        assertThat(probe.matches(other)).as("step %d: %s against %s", step, context, other).isEqualTo(fresh.equals(other));
        if (random.nextBoolean()) {
          recent.remember(probe, other); // As after a hit through the cache, right or wrong.
        }
        assertThat(recent.snapshot(probe, context)).as("step %d: %s", step, context).isEqualTo(fresh);
      }
      assertThat(reused).as("walks that found a remembered snapshot (tiny: %s)", tiny).isGreaterThan(2_000);
    }
  }

  private static LayeredEvaluationContext layered(ImmutableContext invocation) {
    return new LayeredEvaluationContext(null, null, null, invocation);
  }
}
