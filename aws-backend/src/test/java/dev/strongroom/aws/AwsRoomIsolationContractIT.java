package dev.strongroom.aws;

import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.RoomIsolationContract;

/**
 * Core's {@link RoomIsolationContract} on moto: Secrets Manager holds the secrets, KMS the keys,
 * each test in its own secret prefix and KMS alias namespace.
 */
class AwsRoomIsolationContractIT extends RoomIsolationContract {
  private final String ns = MotoServers.namespace();

  @Override
  protected Backend newBackend() {
    return MotoServers.open(ns);
  }
}
