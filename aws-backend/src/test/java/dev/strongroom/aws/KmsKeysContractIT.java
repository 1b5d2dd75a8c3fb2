package dev.strongroom.aws;

import dev.strongroom.spi.Backend;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.testing.KeyEncryptionServiceContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Core's {@link KeyEncryptionServiceContract} against KMS on the shared moto server. */
class KmsKeysContractIT extends KeyEncryptionServiceContract {
  private final List<Backend> opened = new ArrayList<>();

  @Override
  protected KeyEncryptionService newService() {
    Backend backend = MotoServers.open(MotoServers.namespace());
    opened.add(backend);
    return backend.keys();
  }

  @AfterEach
  void closeBackends() {
    opened.forEach(Backend::close);
  }
}
