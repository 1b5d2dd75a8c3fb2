package dev.strongroom.aws;

import dev.strongroom.spi.Backend;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.testing.SecretStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * Core's {@link SecretStoreContract} against Secrets Manager on the shared moto server, each test
 * in a fresh secret prefix (the contract adds its own random root below it).
 */
class AwsSecretStoreContractIT extends SecretStoreContract {
  private final List<Backend> opened = new ArrayList<>();

  @Override
  protected SecretStore newStore() {
    Backend backend = AwsSecretStoreIT.openBackend();
    opened.add(backend);
    return backend.secrets();
  }

  @AfterEach
  void closeBackends() {
    opened.forEach(Backend::close);
  }
}
