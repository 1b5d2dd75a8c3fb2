package testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.testing.FaultyBackend;
import dev.strongroom.testing.TestBackends;
import dev.strongroom.testing.TestClock;
import java.time.Duration;

/**
 * The README's "Testing your service" snippet, verbatim between the markers (ConsumerIT checks),
 * compiled and run by a consumer against the strongroom-testing artifact.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // --- README testing: begin ---
    TestClock clock = TestClock.create();
    // Latency advances the test clock instead of sleeping.
    FaultyBackend backend = FaultyBackend.wrap(TestBackends.memory(clock), clock::advance);
    try (Strongroom room =
        Strongroom.builder().backend(backend).clock(clock).executor(Runnable::run).build()) {
      room.put("db/password", SecretValue.ofUtf8("s3cret"));

      // The backend goes down: the service keeps reading the cached value (within maxStaleness).
      backend.failing("read");
      clock.advance(Duration.ofMinutes(5));
      assertEquals("s3cret", room.secret("db/password").copyUtf8String());

      // Slow writes, and the second one fails: a typed error, and the first write is kept.
      backend.heal().latency("write", Duration.ofSeconds(2)).failAfter("write", 1);
      room.put("db/password", SecretValue.ofUtf8("v2"));
      assertThrows(
          BackendUnavailableException.class,
          () -> room.put("db/password", SecretValue.ofUtf8("v3")));
      assertEquals("v2", room.secret("db/password").copyUtf8String());

      // A lost answer: the write took effect, but the caller saw a failure.
      backend.heal().failAfterApplying("write");
      assertThrows(
          BackendUnavailableException.class,
          () -> room.put("db/password", SecretValue.ofUtf8("v4")));
      assertEquals(3, room.metadata("db/password").latestVersion());
    }
    // --- README testing: end ---
    Module module = TestBackends.class.getModule();
    System.out.println(
        "ok testing snippet; testing "
            + (module.isNamed() ? "module " + module.getName() : "unnamed module"));
  }
}
