package dev.flagrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.ProviderStats.Endpoint;
import dev.flagrelay.ProviderStats.Outcome;
import dev.flagrelay.internal.relay.ConfigurationAnswer;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import dev.flagrelay.testing.Answers;
import dev.flagrelay.testing.FastPolling;
import dev.flagrelay.testing.GoffThreads;
import dev.flagrelay.testing.PushStream;
import dev.flagrelay.testing.RecordingRelayClient;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link GoFeatureFlagProvider#stats()} over a recording fake relay: each counter driven by the
 * scenario it counts (stale answers, single-flight joins, evictions, invalidations, a dropped
 * event, a failed batch, a stream reconnect, the lifecycle).
 */
@ExtendWith(FastPolling.class)
class ProviderStatsTest {
  private static final EvaluationContext USER = new ImmutableContext("user-1");

  private final RecordingRelayClient relay = new RecordingRelayClient();
  private final List<GoFeatureFlagProvider> providers = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  ProviderStatsTest() {
    relay.onEvaluate((flagKey, context) -> Answers.cacheable(true, "on"));
  }

  @AfterEach
  void shutdownAndCheckForLeaks() {
    release.countDown();
    providers.forEach(GoFeatureFlagProvider::shutdown);
    GoffThreads.awaitNone("goff-");
  }

  private GoFeatureFlagProvider provider(UnaryOperator<GoFeatureFlagProviderOptions.Builder> options) {
    GoFeatureFlagProviderOptions.Builder builder =
        GoFeatureFlagProviderOptions.builder()
            .endpoint("http://relay.test:1031")
            .timeout(Duration.ofSeconds(5))
            .flagChangeDetection(FlagChangeDetection.NONE)
            .dataFlushInterval(Duration.ofHours(1));
    GoFeatureFlagProvider provider = new GoFeatureFlagProvider(options.apply(builder).build(), relay);
    providers.add(provider);
    return provider;
  }

  private GoFeatureFlagProvider ready(UnaryOperator<GoFeatureFlagProviderOptions.Builder> options) throws Exception {
    GoFeatureFlagProvider provider = provider(options);
    provider.initialize(USER);
    return provider;
  }

  private void awaitRelease() {
    try {
      release.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void lifecycle_statusAndSinceFollowTheProvider() throws Exception {
    Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    GoFeatureFlagProvider provider = provider(UnaryOperator.identity());
    assertThat(provider.stats().status()).isEqualTo(ProviderStats.Status.NOT_INITIALIZED);
    assertThat(provider.stats().statusSince()).isAfterOrEqualTo(created);

    provider.initialize(USER);
    ProviderStats ready = provider.stats();
    assertThat(ready.status()).isEqualTo(ProviderStats.Status.READY);

    provider.shutdown();
    ProviderStats closed = provider.stats();
    assertThat(closed.status()).isEqualTo(ProviderStats.Status.SHUT_DOWN);
    assertThat(closed.statusSince()).isAfterOrEqualTo(ready.statusSince());
    provider.shutdown(); // Idempotent: the time it closed stays.
    assertThat(provider.stats().statusSince()).isEqualTo(closed.statusSince());
  }

  @Test
  void beforeInitialize_evaluationCountedAsProviderNotReady() {
    GoFeatureFlagProvider provider = provider(UnaryOperator.identity());

    provider.getBooleanEvaluation("f", false, USER);

    assertThat(provider.stats().evaluations().errors()).isEqualTo(Map.of(ErrorCode.PROVIDER_NOT_READY, 1L));
  }

  @Test
  void refusedKeyAtStart_fatalStatusAndLastError() {
    relay.onFlagChanges(etag -> {
      throw new RelayHttpException(401, null, "unauthorized");
    });
    GoFeatureFlagProvider provider = provider(UnaryOperator.identity());

    try {
      provider.initialize(USER);
    } catch (Exception expected) {
      // FatalError.
    }

    ProviderStats stats = provider.stats();
    assertThat(stats.status()).isEqualTo(ProviderStats.Status.FATAL);
    assertThat(stats.relayRequests().get(Endpoint.CHANGE_POLL).count(Outcome.CLIENT_ERROR_4XX)).isEqualTo(1);
    assertThat(stats.lastError().orElseThrow().message()).contains("change_poll").contains("401");
  }

  @Test
  void expiredEntryWhileTheRelayIsUnreachable_countedAsStale() throws Exception {
    GoFeatureFlagProvider provider = ready(builder -> builder.cacheTtl(Duration.ofNanos(1)));
    provider.getBooleanEvaluation("f", false, USER); // Cached, and expired at once.
    relay.onEvaluate((flagKey, context) -> {
      throw new RelayUnreachableException("connection refused", null, false);
    });

    String reason = provider.getBooleanEvaluation("f", false, USER).getReason();

    assertThat(reason).isEqualTo("STALE");
    ProviderStats stats = provider.stats();
    assertThat(stats.evaluations().stale()).isEqualTo(1);
    assertThat(stats.evaluations().relay()).isEqualTo(1);
    assertThat(stats.evaluations().errors()).isEmpty();
    assertThat(stats.cache().misses()).isEqualTo(2);
    assertThat(stats.cache().hits()).isZero();
    assertThat(stats.relayRequests().get(Endpoint.EVALUATION).count(Outcome.UNREACHABLE)).isEqualTo(1);
  }

  @Test
  void typeMismatchOnACachedAnswer_aHitCountedAsAnError() throws Exception {
    GoFeatureFlagProvider provider = ready(UnaryOperator.identity());
    provider.getBooleanEvaluation("f", false, USER);

    provider.getStringEvaluation("f", "x", USER); // Cached boolean asked for as a string.

    ProviderStats stats = provider.stats();
    assertThat(stats.cache().hits()).isEqualTo(1);
    assertThat(stats.evaluations().cache()).isZero();
    assertThat(stats.evaluations().errors()).isEqualTo(Map.of(ErrorCode.TYPE_MISMATCH, 1L));
    assertThat(stats.evaluations().total()).isEqualTo(2);
  }

  @Test
  void secondCallerMissingWhileTheFirstCallsTheRelay_joinsItsFlight() throws Exception {
    GoFeatureFlagProvider provider = ready(UnaryOperator.identity());
    CountDownLatch called = new CountDownLatch(1);
    relay.onEvaluate((flagKey, context) -> {
      called.countDown();
      awaitRelease();
      return Answers.cacheable(true, "on");
    });
    ExecutorService callers = Executors.newFixedThreadPool(2); // Not the common pool: it may have one thread.
    Future<Boolean> leader = callers.submit(() -> provider.getBooleanEvaluation("f", false, USER).getValue());
    assertThat(called.await(5, TimeUnit.SECONDS)).isTrue();
    Future<Boolean> joiner = callers.submit(() -> provider.getBooleanEvaluation("f", false, USER).getValue());
    await().until(() -> provider.singleFlightWaiters() == 1);

    release.countDown();

    assertThat(leader.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(joiner.get(5, TimeUnit.SECONDS)).isTrue();
    callers.shutdown();
    ProviderStats stats = provider.stats();
    assertThat(stats.cache().singleFlightJoins()).isEqualTo(1);
    assertThat(stats.cache().misses()).isEqualTo(2);
    assertThat(stats.evaluations().relay()).isEqualTo(2); // Both answered by the one relay call.
    assertThat(stats.relayRequests().get(Endpoint.EVALUATION).total()).isEqualTo(1);
  }

  @Test
  void moreContextsThanTheCacheHolds_evictionsCounted() throws Exception {
    GoFeatureFlagProvider provider = ready(builder -> builder.cacheMaximumSize(1));

    for (int i = 0; i < 20; i++) {
      provider.getBooleanEvaluation("f", false, new ImmutableContext("user-" + i));
    }

    await().until(() -> provider.stats().cache().evictions() >= 19);
    assertThat(provider.stats().cache().size()).isLessThanOrEqualTo(1);
  }

  @Test
  void streamEventsAndReconnect_invalidationsPerFlag_connectsCounted() throws Exception {
    PushStream stream = new PushStream();
    relay.onFlagChangeStream(stream);
    GoFeatureFlagProvider provider =
        ready(builder -> builder.flagChangeDetection(FlagChangeDetection.STREAM).flagChangePollingInterval(Duration.ofMinutes(10)));
    assertThat(stream.awaitConnected(5)).isTrue();
    await().until(() -> provider.stats().changeDetection().streamConnected());

    stream.push("a", "b");
    stream.push("a");
    await().until(() -> provider.stats().cache().flagInvalidations() == 3);
    stream.endConnection(); // The relay restarted: the provider reconnects after its back-off.
    await().atMost(Duration.ofSeconds(15)).until(() -> provider.stats().changeDetection().streamConnects() == 2);

    ProviderStats stats = provider.stats();
    assertThat(stats.cache().invalidationsByFlag()).isEqualTo(Map.of("a", 2L, "b", 1L));
    assertThat(stats.cache().wholeInvalidations()).isZero();
    assertThat(stats.changeDetection().mode()).isEqualTo(FlagChangeDetection.STREAM);
    assertThat(stats.relayRequests().get(Endpoint.STREAM_CONNECT).count(Outcome.SUCCESS_2XX)).isEqualTo(2);
    await().until(() -> provider.stats().changeDetection().streamConnected());
  }

  @Test
  void relayWithoutAStream_streamConnectCountedAs4xx_neverConnected_notALastError() throws Exception {
    GoFeatureFlagProvider provider = ready(builder -> builder.flagChangeDetection(FlagChangeDetection.STREAM));

    await().until(() -> provider.stats().relayRequests().get(Endpoint.STREAM_CONNECT).count(Outcome.CLIENT_ERROR_4XX) == 1);

    assertThat(provider.stats().changeDetection().streamConnected()).isFalse();
    assertThat(provider.stats().changeDetection().streamConnects()).isZero();
    assertThat(provider.stats().lastError()).isEmpty(); // An older relay: changes arrive by polling.
  }

  @Test
  void bufferOverflowWhileTheCollectorIsBusy_droppedCounted_everyEventAccountedFor() throws Exception {
    CountDownLatch sending = new CountDownLatch(1);
    relay.onSendEvents((envelope, timeout) -> {
      sending.countDown();
      awaitRelease();
    });
    GoFeatureFlagProvider provider = ready(builder -> builder.maxPendingEvents(1));
    provider.getBooleanEvaluation("f", false, USER); // The relay's answer: it exports that one itself.

    provider.getBooleanEvaluation("f", false, USER); // A hit: one event, which asks for an early flush.
    assertThat(sending.await(5, TimeUnit.SECONDS)).isTrue(); // The sender is stuck in that batch.
    for (int i = 0; i < 9; i++) {
      provider.getBooleanEvaluation("f", false, USER);
    }

    ProviderStats busy = provider.stats();
    assertThat(busy.collector().enabled()).isTrue();
    assertThat(busy.collector().pending()).isEqualTo(2); // The buffer holds twice maxPendingEvents.
    assertThat(busy.collector().dropped()).isEqualTo(7);
    release.countDown();
    provider.shutdown();
    ProviderStats closed = provider.stats();
    assertThat(closed.collector().sent() + closed.collector().dropped()).isEqualTo(10);
    assertThat(closed.collector().pending()).isZero();
  }

  @Test
  void collectorAnswering503_failedBatchCounted_eventsKept() throws Exception {
    relay.onSendEvents((envelope, timeout) -> {
      throw new RelayHttpException(503, null, "unavailable");
    });
    GoFeatureFlagProvider provider = ready(builder -> builder.dataFlushInterval(Duration.ofMillis(20)));
    provider.getBooleanEvaluation("f", false, USER);
    provider.getBooleanEvaluation("f", false, USER);

    await().until(() -> provider.stats().collector().failedBatches() >= 1);

    ProviderStats stats = provider.stats();
    assertThat(stats.relayRequests().get(Endpoint.COLLECTOR).count(Outcome.SERVER_ERROR_5XX))
        .isGreaterThanOrEqualTo(stats.collector().failedBatches());
    assertThat(stats.collector().sent()).isZero();
    assertThat(stats.collector().dropped()).isZero(); // Kept for the next flush, not lost.
    assertThat(stats.lastError().orElseThrow().message()).startsWith("collector: ").contains("503");
  }

  @Test
  void cachingAndCollectionOff_sectionsDisabledAndZero() throws Exception {
    GoFeatureFlagProvider provider = ready(builder -> builder.cacheEnabled(false).disableDataCollection(true));

    provider.getBooleanEvaluation("f", false, USER);

    ProviderStats stats = provider.stats();
    assertThat(stats.cache().enabled()).isFalse();
    assertThat(stats.cache().misses()).isZero();
    assertThat(stats.collector().enabled()).isFalse();
    assertThat(stats.evaluations().relay()).isEqualTo(1);
    assertThat(stats.relayRequests()).containsOnlyKeys(Endpoint.values());
  }

  @Test
  void pollAnsweredAfterFailures_consecutiveFailuresBackToZero() throws Exception {
    java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
    relay.onFlagChanges(etag -> {
      int n = polls.incrementAndGet();
      if (n >= 2 && n <= 3) {
        throw new RelayUnreachableException("down", null, n == 3);
      }
      return FlagChanges.of("\"e\"", Map.of());
    });
    GoFeatureFlagProvider provider =
        ready(builder -> builder.flagChangeDetection(FlagChangeDetection.POLLING).flagChangePollingInterval(Duration.ofMillis(10)));

    await().until(() -> polls.get() >= 4 && provider.stats().changeDetection().consecutiveFailures() == 0);

    ProviderStats.RelayRequests changePolls = provider.stats().relayRequests().get(Endpoint.CHANGE_POLL);
    assertThat(changePolls.count(Outcome.UNREACHABLE)).isEqualTo(1);
    assertThat(changePolls.count(Outcome.TIMEOUT)).isEqualTo(1);
  }

  @Test
  void inProcess_evaluationsCountedInProcess_configurationFetches2xxThen304() throws Exception {
    String body = InProcessProviderTest.config(InProcessProviderTest.BOOL_FLAG);
    relay.onFlagConfiguration(
        (etag, flags) -> "\"v1\"".equals(etag) ? ConfigurationAnswer.NOT_MODIFIED : InProcessProviderTest.fetched(body, "\"v1\""));
    GoFeatureFlagProvider provider =
        ready(
            builder ->
                builder
                    .evaluationMode(EvaluationMode.IN_PROCESS)
                    .flagChangeDetection(FlagChangeDetection.POLLING)
                    .flagChangePollingInterval(Duration.ofMillis(10)));

    provider.getBooleanEvaluation("bool-flag", false, USER);
    provider.getBooleanEvaluation("no-such-flag", false, USER);
    await().until(() -> provider.stats().relayRequests().get(Endpoint.CONFIGURATION).count(Outcome.NOT_MODIFIED_304) >= 1);

    ProviderStats stats = provider.stats();
    assertThat(stats.evaluations().inProcess()).isEqualTo(1);
    assertThat(stats.evaluations().errors()).isEqualTo(Map.of(ErrorCode.FLAG_NOT_FOUND, 1L));
    assertThat(stats.relayRequests().get(Endpoint.CONFIGURATION).count(Outcome.SUCCESS_2XX)).isEqualTo(1);
    assertThat(stats.relayRequests().get(Endpoint.EVALUATION).total()).isZero();
    assertThat(stats.cache().enabled()).isFalse();
    assertThat(stats.changeDetection().lastSuccessfulSync()).isPresent();
  }
}
