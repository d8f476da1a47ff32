package dev.flagrelay.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** GOFF-ENG-002/003: the engine pin is one resource, read at runtime, filtered by the build. */
class EngineVersionTest {

  @Test
  void current_readsThePinFromTheClassPath_everyValueFilledIn() {
    EngineVersion pin = EngineVersion.current();

    assertThat(pin.reference()).isEqualTo("modules/core v0.7.2");
    assertThat(pin.wasmEquivalent()).isEqualTo("0.2.4");
    assertThat(pin.spec()).as("GOFF-ENG-003: spec version@commit").matches("1\\.0@[0-9a-f]{40}");
    assertThat(pin.queryLanguage()).startsWith("github.com/hairyhenderson/rules ");
    assertThat(pin.jsonLogic()).isEqualTo("github.com/diegoholiveira/jsonlogic/v3 v3.10.1");
    assertThat(pin.implementation()).as("the project version, filtered in").matches("flagrelay-java \\d+\\.\\d+\\.\\d+.*");
    assertThat(pin.relayBaseline()).as("the root pom's relay.version, filtered in").matches("v\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void describe_namesImplementationReferenceSpecAndRelay() {
    EngineVersion pin = EngineVersion.current();

    assertThat(pin.describe())
        .contains(pin.implementation(), pin.reference(), pin.spec(), pin.relayBaseline(), pin.wasmEquivalent());
  }

  @Test
  void read_unfilteredPlaceholder_refused() {
    String unfiltered =
        "goff.spec=1.0@x\ngoff.engine.reference=r\ngoff.engine.wasmEquivalent=w\ngoff.engine.queryLanguage=q\n"
            + "goff.engine.jsonLogic=j\ngoff.engine.implementation=flagrelay-java ${project.version}\n"
            + "goff.relay.differentialBaseline=v1\n";

    assertThatThrownBy(() -> EngineVersion.read(new ByteArrayInputStream(unfiltered.getBytes(StandardCharsets.ISO_8859_1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("goff.engine.implementation");
  }

  @Test
  void read_missingKey_refusedNamingIt() {
    assertThatThrownBy(() -> EngineVersion.read(new ByteArrayInputStream("goff.spec=1.0@x\n".getBytes(StandardCharsets.ISO_8859_1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("goff.engine.reference");
  }
}
