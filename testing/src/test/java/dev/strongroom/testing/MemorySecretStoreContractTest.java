package dev.strongroom.testing;

import dev.strongroom.spi.SecretStore;

/** The {@code memory:} backend, as {@link TestBackends#memory} opens it, passes the contract. */
class MemorySecretStoreContractTest extends SecretStoreContract {
  @Override
  protected SecretStore newStore() {
    return TestBackends.memory(TestClock.create()).secrets();
  }
}
