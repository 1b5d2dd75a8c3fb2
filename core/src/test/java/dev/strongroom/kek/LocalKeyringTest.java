package dev.strongroom.kek;

import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.testing.KeyEncryptionServiceContract;

class LocalKeyringTest extends KeyEncryptionServiceContract {
  @Override
  protected KeyEncryptionService newService() {
    return LocalKeyring.inMemory();
  }
}
