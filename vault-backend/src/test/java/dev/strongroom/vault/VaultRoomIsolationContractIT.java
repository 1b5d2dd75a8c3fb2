package dev.strongroom.vault;

import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.RoomIsolationContract;

/**
 * Core's {@link RoomIsolationContract} on the real OpenBao dev server: KV v2 holds the secrets
 * (tenant values sealed by Transit keys {@code tenant-ID}), Transit the keys. Tests keep apart by
 * fresh tenant ids and name prefixes.
 */
class VaultRoomIsolationContractIT extends RoomIsolationContract {
  @Override
  protected Backend newBackend() {
    return VaultServers.devBackend();
  }
}
