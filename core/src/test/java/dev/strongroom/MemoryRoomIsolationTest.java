package dev.strongroom;

import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.MutableClock;
import dev.strongroom.testkit.NonClosingBackend;
import dev.strongroom.testkit.RoomIsolationContract;

/** The room's {@link RoomIsolationContract} on the memory backend: one backend per test. */
class MemoryRoomIsolationTest extends RoomIsolationContract {
  private final MemoryBackend shared = MemoryBackend.create(MutableClock.create());

  @Override
  protected Backend newBackend() {
    return NonClosingBackend.of(shared);
  }
}
