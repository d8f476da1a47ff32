package dev.flagrelay.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.flagrelay.engine.FlagConfiguration;
import dev.flagrelay.internal.configuration.AnswerEvents;
import dev.flagrelay.internal.configuration.ConfigurationSnapshot;
import dev.flagrelay.internal.configuration.FlagMetadataCache;
import dev.flagrelay.internal.cache.CacheKey;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.http.OkHttpRelayClient;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.CacheHitEvent;
import dev.flagrelay.internal.relay.InProcessEvent;
import dev.flagrelay.internal.relay.FeatureEvent;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.TrackingEvent;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scenario 8: objects handed from one thread to another without a lock (the header template,
 * options, cache keys and entries, relay answers, events) are safely published because every
 * field is final (JLS 17.5: a reader that sees the reference sees the fields as constructed), and
 * their collections cannot change after construction.
 *
 * <p>Why not a jcstress run: on this x86 machine the hardware never reorders the stores that
 * would expose a half-built object, so a stress run of the racy twin passes most of the time; the
 * structural check below fails it every time, and that is the property the JMM guarantee rests on.
 */
@Tag("stress")
class PublicationTest {
  /** Classes whose instances cross threads through a cache, a queue or a plain field. */
  private static final List<Class<?>> SHARED =
      List.of(
          GoFeatureFlagProviderOptions.class,
          OkHttpRelayClient.class,
          JsonCodec.class,
          ContextSnapshot.class,
          CacheKey.class,
          RelayAnswer.class,
          FlagChanges.class,
          FeatureEvent.class,
          CacheHitEvent.class,
          InProcessEvent.class,
          TrackingEvent.class,
          ConfigurationSnapshot.class,
          FlagMetadataCache.class,
          AnswerEvents.class,
          FlagConfiguration.class,
          entryClass());

  @Test
  void everySharedClass_hasOnlyFinalFields() {
    assertThat(SHARED.stream().flatMap(type -> unsafeFields(type).stream()).toList()).isEmpty();
  }

  @Test
  void aClassWithANonFinalField_isCaught_asUnsafePublication() {
    List<String> unsafe = unsafeFields(RacyOptions.class);
    assertThat(unsafe).as(Symptom.UNSAFE_PUBLICATION.name()).containsExactly("RacyOptions.timeout");
  }

  @Test
  void publishedCollections_cannotChangeAfterConstruction() {
    GoFeatureFlagProviderOptions options =
        GoFeatureFlagProviderOptions.builder()
            .endpoint("http://localhost:1031")
            .headers(Map.of("X-Team", "payments"))
            .exporterMetadata(Map.of("team", "payments"))
            .build();
    assertThatThrownBy(() -> options.headers().put("X-Other", "x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> options.exporterMetadata().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    ContextSnapshot snapshot = ContextSnapshot.ofAttributes(Map.of("list", List.of(1), "map", Map.of("a", 1)));
    assertThatThrownBy(() -> snapshot.attributes().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<Object>) snapshot.attributes().get("list")).add(2))
        .isInstanceOf(UnsupportedOperationException.class);
    RelayAnswer answer = new RelayAnswer(true, "on", "R", Map.of("k", "v"));
    assertThatThrownBy(() -> answer.metadata().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    OkHttpRelayClient client =
        new OkHttpRelayClient(
            URI.create("http://localhost:1"), URI.create("http://localhost:1"), "k", Map.of("X-Team", "p"),
            Duration.ofSeconds(1), new JsonCodec(Map.of()));
    assertThat(client.headers()).isInstanceOf(Headers.class); // OkHttp's Headers is immutable.
    client.close();
  }

  /** Instance fields that are not final, as {@code Class.field}. */
  private static List<String> unsafeFields(Class<?> type) {
    List<String> unsafe = new ArrayList<>();
    for (Field field : type.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (!Modifier.isStatic(modifiers) && !Modifier.isFinal(modifiers)) {
        unsafe.add(type.getSimpleName() + "." + field.getName());
      }
    }
    return unsafe;
  }

  private static Class<?> entryClass() {
    try {
      return Class.forName("dev.flagrelay.internal.cache.EvaluationCache$Entry");
    } catch (ClassNotFoundException e) {
      throw new AssertionError("the cache entry type moved: update this test", e);
    }
  }

  /** Racy twin: options whose timeout a reader on another thread may see as null. */
  static final class RacyOptions {
    final String endpoint;
    Duration timeout;

    RacyOptions(String endpoint, Duration timeout) {
      this.endpoint = endpoint;
      this.timeout = timeout;
    }
  }
}
