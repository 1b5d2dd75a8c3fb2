package dev.strongroom.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.GatedBackend;
import dev.strongroom.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent DEK misses against a slow key service that a latch drives (issue 18): one KEK call
 * however many threads miss, and no monitor held by the thread inside the KEK call (a virtual
 * thread blocked in I/O while holding one pins its carrier on JDK 21 to 23).
 */
class EnvelopeConcurrencyTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of(Map.of("t", "1"));
  private static final byte[] PLAINTEXT = "a message".getBytes(StandardCharsets.UTF_8);

  private final MutableClock clock = MutableClock.create();
  private final MemoryBackend memory = MemoryBackend.create(clock);
  private final GatedBackend backend = GatedBackend.closed(memory);

  EnvelopeConcurrencyTest() {
    memory.keys().createKey("k");
  }

  @AfterEach
  void open() {
    backend.open();
  }

  private Envelope envelope() {
    return Envelope.builder().kek(Kek.of(backend.keys(), "k")).clock(clock).build();
  }

  /** A ciphertext made by another envelope, through the open gate of a separate backend. */
  private byte[] ciphertext() {
    return Envelope.builder()
        .kek(Kek.of(memory.keys(), "k"))
        .clock(clock)
        .build()
        .encrypt(PLAINTEXT, CONTEXT);
  }

  @Test
  void encryptMiss_eightPlatformThreads_oneKekCallHoldingNoMonitor() throws Exception {
    Envelope envelope = envelope();
    List<byte[]> out =
        run(Executors.newFixedThreadPool(8), 64, () -> envelope.encrypt(PLAINTEXT, CONTEXT));
    assertEquals(1, backend.kekCalls(), "KEK calls");
    assertEquals(List.of(), backend.monitorsHeld());
    for (byte[] ct : out) {
      assertArrayEquals(PLAINTEXT, envelope.decrypt(ct, CONTEXT));
    }
  }

  @Test
  void decryptMiss_eightPlatformThreads_oneKekCallHoldingNoMonitor() throws Exception {
    byte[] ciphertext = ciphertext();
    Envelope envelope = envelope();
    List<byte[]> out =
        run(Executors.newFixedThreadPool(8), 64, () -> envelope.decrypt(ciphertext, CONTEXT));
    assertEquals(1, backend.kekCalls(), "KEK calls");
    assertEquals(List.of(), backend.monitorsHeld());
    out.forEach(p -> assertArrayEquals(PLAINTEXT, p));
  }

  @Test
  void decryptMiss_10000VirtualThreads_oneKekCall() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
    byte[] ciphertext = ciphertext();
    Envelope envelope = envelope();
    List<byte[]> out =
        run(
            dev.strongroom.VirtualThreads.perTaskExecutor(),
            10_000,
            () -> envelope.decrypt(ciphertext, CONTEXT));
    assertEquals(1, backend.kekCalls(), "KEK calls");
    out.forEach(p -> assertArrayEquals(PLAINTEXT, p));
  }

  /** Runs {@code tasks} copies of {@code task}, opening the gate once all have started. */
  private List<byte[]> run(ExecutorService executor, int tasks, Task task) throws Exception {
    CountDownLatch started = new CountDownLatch(tasks);
    List<Future<byte[]>> futures = new ArrayList<>(tasks);
    try {
      for (int i = 0; i < tasks; i++) {
        futures.add(
            executor.submit(
                () -> {
                  started.countDown();
                  return task.call();
                }));
      }
      if (tasks <= 64) {
        // Platform pools run 8 at a time: the rest start after the gate opens (and hit the cache).
        assertTrue(backend.awaitFirstCall(60, TimeUnit.SECONDS), "no KEK call");
      } else {
        assertTrue(
            started.await(60, TimeUnit.SECONDS),
            "virtual threads could not start while one waited in a KEK call: carriers pinned");
      }
      backend.open();
      List<byte[]> out = new ArrayList<>(tasks);
      for (Future<byte[]> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      executor.shutdownNow();
    }
  }

  private interface Task {
    byte[] call();
  }
}
