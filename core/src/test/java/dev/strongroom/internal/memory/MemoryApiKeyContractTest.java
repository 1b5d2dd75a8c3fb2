package dev.strongroom.internal.memory;

import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.ApiKeyContract;
import dev.strongroom.testkit.NonClosingBackend;

/** The API key contract on the in-memory backend: one backend per test, shared by its rooms. */
class MemoryApiKeyContractTest extends ApiKeyContract {
  private final MemoryBackend shared = MemoryBackend.create(clock);

  @Override
  protected Backend newBackend() {
    return NonClosingBackend.of(shared);
  }
}
