package dev.strongroom.file;

import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.ListenerOrderingPropertiesTest;
import dev.strongroom.testkit.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Issue 16: the listener-ordering properties and examples of core, on the file store (each try on a
 * fresh store under {@code target/}).
 */
class FileListenerOrderingTest extends ListenerOrderingPropertiesTest {
  @Override
  protected Backend backend(MutableClock clock) {
    try {
      Path base = Files.createDirectories(Path.of("target", "listener-ordering"));
      return TestStores.create(Files.createTempDirectory(base, "store"), clock);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
