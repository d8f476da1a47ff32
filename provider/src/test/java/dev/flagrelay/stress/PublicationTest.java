package dev.flagrelay.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.flagrelay.engine.FlagConfiguration;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.http.OkHttpRelayClient;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.RelayAnswer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.Headers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scenario 8: objects handed from one thread to another without a lock are safely published. Over
 * every class of the provider (found by scanning {@code target/classes}, not from a list that
 * misses the class a new path publishes), every instance field is final (JLS 17.5: a reader that
 * sees the reference sees the field as constructed) or volatile, unless it is listed below as
 * confined to one thread, with the reason. Published collections cannot change after construction.
 *
 * <p>Why not a jcstress run: on this x86 machine the hardware never reorders the stores that
 * would expose a half-built object, so a stress run of the racy twin passes most of the time; the
 * structural check below fails it every time, and that is the property the JMM guarantee rests on.
 */
@Tag("stress")
class PublicationTest {
  /** Fields that are neither final nor volatile, and why no second thread ever reads them. */
  private static final Map<String, String> CONFINED =
      Map.ofEntries(
          Map.entry("DataCollector.lastOverflowReportNanos", "the sender thread's only"),
          Map.entry("DataCollector.overflowReported", "the sender thread's only"),
          Map.entry("DataCollector.overflowReportedOnce", "the sender thread's only"),
          Map.entry("FlagChangePoller.started", "the poller thread's (initialPoll runs before it starts)"),
          Map.entry("FlagChangePoller.etag", "the poller thread's (initialPoll runs before it starts)"),
          Map.entry("FlagChangePoller.baseline", "the poller thread's (initialPoll runs before it starts)"),
          Map.entry("FlagChangePoller.failures", "the poller thread's only"),
          Map.entry("FlagChangePoller.refusals", "the poller thread's only"),
          Map.entry("ConfigurationRefresher.failures", "the refresher thread's only"),
          Map.entry("ContextSnapshot$AttributesView$1$1.next", "an iterator, used by the thread that made it"),
          Map.entry("EngineAttributes.copy", "a view of one evaluation's context, made and read by the evaluating thread"));

  private static final String FROZEN = Symptom.UNSAFE_PUBLICATION + ": a published collection accepted a change";

  /** Whole classes whose instances never leave the thread that made them, and why. */
  private static final Map<String, String> CONFINED_CLASSES =
      Map.of(
          "GoFeatureFlagProviderOptions$Builder", "a builder; build() copies it into final fields",
          "EventRingPadBeforeTail", "cache-line padding: never read or written",
          "EventRingPadBetween", "cache-line padding: never read or written",
          "EventRingHead", "cache-line padding: never read or written");

  @Test
  void everyProviderClass_publishesOnlyFinalOrVolatileFields() throws Exception {
    List<Class<?>> classes = providerClasses();
    assertThat(classes).as("provider classes found by scanning").hasSizeGreaterThan(30);
    classes.add(FlagConfiguration.class); // The engine's, published by the in-process snapshot.
    List<String> unsafe = new ArrayList<>();
    for (Class<?> type : classes) {
      for (String field : unsafeFields(type)) {
        if (!CONFINED.containsKey(field) && !CONFINED_CLASSES.containsKey(simpleName(type))) {
          unsafe.add(field);
        }
      }
    }
    assertThat(unsafe).as(Symptom.UNSAFE_PUBLICATION + ": fields neither final nor volatile nor confined").isEmpty();
  }

  @Test
  void everyConfinedField_stillExists() throws Exception {
    List<String> fields = new ArrayList<>();
    for (Class<?> type : providerClasses()) {
      for (Field field : type.getDeclaredFields()) {
        fields.add(simpleName(type) + "." + field.getName());
      }
    }
    assertThat(fields).as("fields listed as confined (a stale entry would excuse a new field of that name)").containsAll(CONFINED.keySet());
  }

  /** Every class compiled from {@code src/main/java}, nested and anonymous ones included. */
  private static List<Class<?>> providerClasses() throws IOException, ClassNotFoundException {
    Path root = Paths.get("target", "classes");
    List<String> names;
    try (Stream<Path> walk = Files.walk(root)) {
      names =
          walk.filter(path -> path.toString().endsWith(".class") && !path.endsWith("package-info.class"))
              .map(path -> root.relativize(path).toString().replace('/', '.').replace('\\', '.'))
              .map(name -> name.substring(0, name.length() - ".class".length()))
              .sorted()
              .toList();
    }
    List<Class<?>> classes = new ArrayList<>();
    for (String name : names) {
      classes.add(Class.forName(name, false, PublicationTest.class.getClassLoader()));
    }
    return classes;
  }

  @Test
  void aClassWithANonFinalField_isCaught_asUnsafePublication() {
    List<String> unsafe = unsafeFields(RacyOptions.class);
    assertThat(unsafe).as(Symptom.UNSAFE_PUBLICATION.name()).containsExactly("PublicationTest$RacyOptions.timeout");
  }

  @Test
  void publishedCollections_cannotChangeAfterConstruction() {
    // Built from mutable maps: what is published must be a copy nobody can change.
    GoFeatureFlagProviderOptions options =
        GoFeatureFlagProviderOptions.builder()
            .endpoint("http://localhost:1031")
            .headers(new HashMap<>(Map.of("X-Team", "payments")))
            .exporterMetadata(new HashMap<>(Map.of("team", "payments")))
            .build();
    assertThatThrownBy(() -> options.headers().put("X-Other", "x"), FROZEN).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> options.exporterMetadata().put("x", 1), FROZEN).isInstanceOf(UnsupportedOperationException.class);
    ContextSnapshot snapshot = ContextSnapshot.ofAttributes(Map.of("list", List.of(1), "map", Map.of("a", 1)));
    assertThatThrownBy(() -> snapshot.attributes().put("x", 1), FROZEN).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<Object>) snapshot.attributes().get("list")).add(2), FROZEN)
        .isInstanceOf(UnsupportedOperationException.class);
    RelayAnswer answer = new RelayAnswer(true, "on", "R", new HashMap<>(Map.of("k", "v")));
    assertThatThrownBy(() -> answer.metadata().put("x", 1), FROZEN).isInstanceOf(UnsupportedOperationException.class);
    OkHttpRelayClient client =
        new OkHttpRelayClient(
            URI.create("http://localhost:1"), URI.create("http://localhost:1"), "k", Map.of("X-Team", "p"),
            Duration.ofSeconds(1), new JsonCodec(Map.of()));
    assertThat(client.headers()).isInstanceOf(Headers.class); // OkHttp's Headers is immutable.
    client.close();
  }

  /** Instance fields that are neither final nor volatile, as {@code Class.field} (nested: {@code A$B.field}). */
  private static List<String> unsafeFields(Class<?> type) {
    List<String> unsafe = new ArrayList<>();
    for (Field field : type.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (!Modifier.isStatic(modifiers) && !Modifier.isFinal(modifiers) && !Modifier.isVolatile(modifiers)) {
        unsafe.add(simpleName(type) + "." + field.getName());
      }
    }
    return unsafe;
  }

  private static String simpleName(Class<?> type) {
    String name = type.getName();
    return name.substring(name.lastIndexOf('.') + 1);
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
