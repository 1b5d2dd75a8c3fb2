package dev.strongroom.file;

import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.RetirementContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key retirement on the file backend (issue 13 item 8: {@code strongroom key retire default} made
 * every stored secret and API key unreadable): each room opens its own {@code FileBackend} on one
 * store, as a second process would.
 */
class FileRetirementContractTest extends RetirementContract {
  @TempDir Path dir;

  @Override
  protected Backend newBackend() {
    return TestStores.create(dir.resolve("store"), clock);
  }

  @Override
  protected boolean rewritesInPlace() {
    return true;
  }
}
