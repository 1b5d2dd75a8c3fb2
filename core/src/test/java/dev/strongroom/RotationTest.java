package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.testkit.FaultInjectingBackend;
import dev.strongroom.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RotationTest {
  private final MutableClock clock = MutableClock.create();
  private final FaultInjectingBackend backend =
      FaultInjectingBackend.wrap(MemoryBackend.create(clock));
  private final Strongroom room =
      Strongroom.builder().backend(backend).clock(clock).executor(Runnable::run).build();

  @AfterEach
  void close() {
    room.close();
  }

  private static SecretRotator appending(String suffix, boolean applyFails, boolean verifyOk) {
    return new SecretRotator() {
      @Override
      public SecretValue generate(SecretValue current) {
        return SecretValue.ofUtf8(current.copyUtf8String() + suffix);
      }

      @Override
      public void apply(SecretValue pending) {
        if (applyFails) {
          throw new IllegalStateException("database refused the new password");
        }
      }

      @Override
      public boolean verify(SecretValue pending) {
        return verifyOk;
      }
    };
  }

  @Test
  void rotate_success_promotesPendingAndKeepsPrevious() {
    room.put("db/password", SecretValue.ofUtf8("v1"));
    List<String> seen = new ArrayList<>();
    room.onChange("db/password", (n, v, value) -> seen.add(v + ":" + value.copyUtf8String()));

    SecretVersion promoted = room.rotate("db/password", appending("+r", false, true));

    assertEquals(2, promoted.version());
    assertTrue(promoted.stages().contains(Stage.CURRENT));
    assertEquals("v1+r", room.secret("db/password").copyUtf8String());
    assertEquals(
        "v1", room.secret(SecretRef.ofStage("db/password", Stage.PREVIOUS)).copyUtf8String());
    assertEquals(List.of("2:v1+r"), seen);
  }

  @Test
  void rotate_applyFails_currentUnchangedAndPendingKept() {
    room.put("db/password", SecretValue.ofUtf8("v1"));

    StrongroomException e =
        assertThrows(
            StrongroomException.class,
            () -> room.rotate("db/password", appending("+r", true, true)));

    assertTrue(e.getMessage().contains("step apply"), e.getMessage());
    assertTrue(e.getMessage().contains("CURRENT is version 1"), e.getMessage());
    assertTrue(e.getMessage().contains("PENDING version 2"), e.getMessage());
    assertTrue(e.getCause() instanceof IllegalStateException);
    assertEquals("v1", room.secret("db/password").copyUtf8String());
    assertEquals(
        "v1+r", room.secret(SecretRef.ofStage("db/password", Stage.PENDING)).copyUtf8String());
  }

  @Test
  void rotate_verifyRejects_currentUnchanged() {
    room.put("db/password", SecretValue.ofUtf8("v1"));
    StrongroomException e =
        assertThrows(
            StrongroomException.class,
            () -> room.rotate("db/password", appending("+r", false, false)));
    assertTrue(e.getMessage().contains("step verify"), e.getMessage());
    assertEquals("v1", room.secret("db/password").copyUtf8String());
    // a later good rotation succeeds over the leftover PENDING version
    assertEquals(3, room.rotate("db/password", appending("+s", false, true)).version());
    assertEquals("v1+s", room.secret("db/password").copyUtf8String());
  }

  @Test
  void rotate_generateThrows_nothingWritten() {
    room.put("a", SecretValue.ofUtf8("v1"));
    StrongroomException e =
        assertThrows(
            StrongroomException.class,
            () ->
                room.rotate(
                    "a",
                    current -> {
                      throw new IllegalArgumentException("no entropy");
                    }));
    assertTrue(e.getMessage().contains("step generate"), e.getMessage());
    assertEquals(1, room.metadata("a").latestVersion());
  }

  @Test
  void rotate_backendDown_reportsUnavailableAndCurrentStillServed() {
    room.put("a", SecretValue.ofUtf8("v1"));
    room.secret("a");
    backend.failing(true);

    assertThrows(
        BackendUnavailableException.class, () -> room.rotate("a", appending("+r", false, true)));

    assertEquals("v1", room.secret("a").copyUtf8String());
  }

  @Test
  void scheduleRotation_runsOnSchedulerUntilCancelled() throws InterruptedException {
    room.put("a", SecretValue.ofUtf8("v"));
    // Fixed-delay runs are sequential: when the third run starts, two rotations have completed.
    CountDownLatch twice = new CountDownLatch(3);
    List<String> threads = new ArrayList<>();
    Strongroom.Registration schedule =
        room.scheduleRotation(
            "a",
            current -> {
              synchronized (threads) {
                threads.add(Thread.currentThread().getName());
              }
              twice.countDown();
              return SecretValue.ofUtf8(current.copyUtf8String() + "+");
            },
            Duration.ofMillis(10));

    assertTrue(twice.await(10, TimeUnit.SECONDS));
    schedule.close();

    assertTrue(room.metadata("a").latestVersion() >= 3);
    synchronized (threads) {
      assertTrue(threads.get(0).startsWith("strongroom-"), threads.get(0));
    }
  }
}
