package dev.strongroom.testing;

import dev.strongroom.kek.LocalKeyring;
import dev.strongroom.spi.KeyEncryptionService;

/** Core's local Tink keyring passes the key-service contract. */
class LocalKeyringContractTest extends KeyEncryptionServiceContract {
  @Override
  protected KeyEncryptionService newService() {
    return LocalKeyring.inMemory();
  }
}
