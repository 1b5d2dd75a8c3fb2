package dev.strongroom.vault;

import dev.strongroom.spi.SecretStore;
import dev.strongroom.testing.SecretStoreContract;

/**
 * The backend contract suite for secrets, against the KV v2 mount of the real OpenBao dev server.
 * Each test gets a new client (root token, which closing never revokes) and a random name prefix.
 */
class VaultSecretStoreContractIT extends SecretStoreContract {
  @Override
  protected SecretStore newStore() {
    return VaultServers.devBackend().secrets();
  }
}
