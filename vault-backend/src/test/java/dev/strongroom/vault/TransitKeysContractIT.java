package dev.strongroom.vault;

import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.testing.KeyEncryptionServiceContract;

/**
 * The backend contract suite for KEKs, against the Transit mount of the real OpenBao dev server.
 * Each test gets a new client and a random key name.
 */
class TransitKeysContractIT extends KeyEncryptionServiceContract {
  @Override
  protected KeyEncryptionService newService() {
    return VaultServers.devBackend().keys();
  }
}
