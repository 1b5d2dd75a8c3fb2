package dev.strongroom.internal.memory;

import dev.strongroom.spi.SecretStore;
import dev.strongroom.testing.MutableClock;
import dev.strongroom.testing.SecretStoreContract;

class MemorySecretStoreTest extends SecretStoreContract {
  @Override
  protected SecretStore newStore() {
    return MemorySecretStore.create(MutableClock.create());
  }
}
