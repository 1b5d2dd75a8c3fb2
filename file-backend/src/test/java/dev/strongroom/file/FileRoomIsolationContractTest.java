package dev.strongroom.file;

import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.MutableClock;
import dev.strongroom.testkit.RoomIsolationContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Core's {@link RoomIsolationContract} on the file backend: one store per test in a temporary
 * folder (created with its {@code default} key, as {@code strongroom init} does), each client
 * opening its own {@code FileBackend} on it, as a second process would.
 */
class FileRoomIsolationContractTest extends RoomIsolationContract {
  @TempDir Path dir;

  private final MutableClock clock = MutableClock.create();

  @Override
  protected Backend newBackend() {
    return TestStores.create(dir.resolve("store"), clock);
  }
}
