package dev.strongroom.file;

import dev.strongroom.file.internal.FileBackend;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.testing.SecretStoreContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The file store passes the backend contract suite, each test on a fresh store folder. */
class FileSecretStoreContractTest extends SecretStoreContract {
  @TempDir Path dir;

  @Override
  protected SecretStore newStore() {
    FileBackend backend = TestStores.create(dir.resolve("store"), Clock.systemUTC());
    return backend.secrets();
  }
}
