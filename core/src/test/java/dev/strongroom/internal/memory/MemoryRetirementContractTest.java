package dev.strongroom.internal.memory;

import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.NonClosingBackend;
import dev.strongroom.testkit.RetirementContract;

/** Key retirement on the in-memory backend: one backend per test, shared by its rooms. */
class MemoryRetirementContractTest extends RetirementContract {
  private final MemoryBackend shared = MemoryBackend.create(clock);

  @Override
  protected Backend newBackend() {
    return NonClosingBackend.of(shared);
  }

  @Override
  protected boolean rewritesInPlace() {
    return true;
  }
}
