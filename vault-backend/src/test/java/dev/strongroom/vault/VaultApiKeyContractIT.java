package dev.strongroom.vault;

import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.ApiKeyContract;

/**
 * Core's {@link ApiKeyContract} on the real OpenBao dev server (KV v2 for the key records, Transit
 * for the pepper's KEK). Each room gets its own client (root token, which closing never revokes);
 * the contract keeps tests apart by owner and random key ids, and shares the pepper on purpose.
 */
class VaultApiKeyContractIT extends ApiKeyContract {
  @Override
  protected Backend newBackend() {
    return VaultServers.devBackend();
  }
}
