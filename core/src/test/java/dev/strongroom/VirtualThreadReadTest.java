package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.testkit.GatedBackend;
import dev.strongroom.testkit.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Cold-cache reads under heavy concurrency against a slow backend that a latch drives (issue 18):
 * one backend read per secret however many threads ask, and no monitor held across the read (a
 * virtual thread blocked in I/O while holding one pins its carrier on JDK 21 to 23: with two
 * carriers, two pinned readers stop every other virtual thread).
 */
class VirtualThreadReadTest {
  private static final int THREADS = 10_000;
  private static final String[] NAMES = {"db/a", "db/b", "db/c", "api/d", "api/e"};

  private final MutableClock clock = MutableClock.create();
  private final MemoryBackend memory = MemoryBackend.create(clock);
  private final GatedBackend backend = GatedBackend.closed(memory);
  private Strongroom room;

  @AfterEach
  void close() {
    backend.open();
    if (room != null) {
      room.close();
    }
  }

  private void coldRoom() {
    for (String name : NAMES) {
      memory
          .secrets()
          .write(new WriteRequest(name, SecretValue.ofUtf8("v-" + name), Stage.CURRENT, -1));
    }
    room = Strongroom.builder().backend(backend).clock(clock).executor(Runnable::run).build();
  }

  @Test
  void coldCache_10000VirtualThreads_readEachSecretFromTheBackendOnce() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
    coldRoom();
    CountDownLatch started = new CountDownLatch(THREADS);
    List<Future<String>> results = new ArrayList<>(THREADS);
    ExecutorService executor = VirtualThreads.perTaskExecutor();
    try {
      for (int i = 0; i < THREADS; i++) {
        String name = NAMES[i % NAMES.length];
        results.add(
            executor.submit(
                () -> {
                  started.countDown();
                  return room.secret(name).copyUtf8String();
                }));
      }
      // Every virtual thread must get to run while readers wait at the closed gate: a reader that
      // pinned its carrier (a monitor held across the read, on JDK 21 to 23) would starve them.
      assertTrue(
          started.await(60, TimeUnit.SECONDS),
          "virtual threads could not start while readers waited: carriers pinned");
      assertTrue(backend.awaitFirstCall(60, TimeUnit.SECONDS), "no read reached the backend");
      backend.open();
      for (int i = 0; i < THREADS; i++) {
        assertEquals("v-" + NAMES[i % NAMES.length], results.get(i).get(60, TimeUnit.SECONDS));
      }
    } finally {
      executor.shutdownNow();
    }
    assertEquals(onceEach(), backend.reads());
  }

  @Test
  @Disabled(
      "fails today: SecretCache (internal/room, being split) loads inside Caffeine's"
          + " ConcurrentHashMap.compute, which holds the bin's monitor across the backend read;"
          + " enable once the room loads outside it (e.g. an AsyncLoadingCache)")
  void coldCache_concurrentPlatformReaders_holdNoMonitorInsideTheBackend() throws Exception {
    coldRoom();
    ExecutorService executor = Executors.newFixedThreadPool(8);
    List<Future<String>> results = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        String name = NAMES[i % NAMES.length];
        results.add(executor.submit(() -> room.secret(name).copyUtf8String()));
      }
      assertTrue(backend.awaitFirstCall(60, TimeUnit.SECONDS), "no read reached the backend");
      backend.open();
      for (Future<String> result : results) {
        result.get(60, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdownNow();
    }
    assertEquals(List.of(), backend.monitorsHeld());
    assertEquals(onceEach(), backend.reads());
  }

  /** Each secret once, and the room's check-out-only mark once (loaded by the first read). */
  private static Map<String, Long> onceEach() {
    Map<String, Long> expected = new TreeMap<>();
    expected.put(".strongroom/checkout-only", 1L);
    for (String name : NAMES) {
      expected.put(name, 1L);
    }
    return expected;
  }
}
