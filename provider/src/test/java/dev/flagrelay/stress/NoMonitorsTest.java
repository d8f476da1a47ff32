package dev.flagrelay.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.testing.Bytecode;
import java.io.IOException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The provider never blocks a (virtual) thread's carrier while holding a monitor because it holds
 * no monitor at all: no {@code synchronized} method or block anywhere in its classes ({@code
 * ReentrantLock} only, which a virtual thread can unmount from).
 */
@Tag("stress")
class NoMonitorsTest {
  @Test
  void providerBytecode_hasNoSynchronizedMethodOrBlock() throws IOException {
    assertThat(Bytecode.disassembledProvider())
        .as(Symptom.MONITOR_HELD + ": monitorenter or synchronized in provider bytecode")
        .filteredOn(line -> line.contains("monitorenter") || line.contains(" synchronized "))
        .isEmpty();
  }
}
