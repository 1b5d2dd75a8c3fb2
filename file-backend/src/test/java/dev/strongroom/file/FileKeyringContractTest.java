package dev.strongroom.file;

import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.testing.KeyEncryptionServiceContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The file keyring passes the key-encryption-service contract suite. */
class FileKeyringContractTest extends KeyEncryptionServiceContract {
  @TempDir Path dir;

  @Override
  protected KeyEncryptionService newService() {
    return TestStores.create(dir.resolve("store"), Clock.systemUTC()).keys();
  }
}
