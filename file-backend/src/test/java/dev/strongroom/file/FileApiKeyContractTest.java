package dev.strongroom.file;

import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.ApiKeyContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Core's {@link ApiKeyContract} on the file backend: one store per test in a temporary folder, each
 * room opening its own {@code FileBackend} on it (as a second process would), on the test clock.
 */
class FileApiKeyContractTest extends ApiKeyContract {
  @TempDir Path dir;

  @Override
  protected Backend newBackend() {
    return TestStores.create(dir.resolve("store"), clock);
  }
}
