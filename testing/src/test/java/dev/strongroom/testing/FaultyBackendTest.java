package dev.strongroom.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WriteRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each kind of fault {@link FaultyBackend} injects, and only on the operation named. */
class FaultyBackendTest {
  private final TestClock clock = TestClock.create();
  private final FaultyBackend backend =
      FaultyBackend.wrap(TestBackends.memory(clock), clock::advance);
  private final SecretStore store = backend.secrets();

  private void write(String name, String value) {
    store.write(new WriteRequest(name, SecretValue.ofUtf8(value), Stage.CURRENT, -1));
  }

  @Test
  void failing_failsOnlyThatOperation_beforeItReachesTheBackend() {
    write("a", "1");
    backend.failing("write");
    BackendUnavailableException e =
        assertThrows(BackendUnavailableException.class, () -> write("a", "2"));
    assertTrue(e.getMessage().contains("write"), e.getMessage());
    assertEquals(1, store.metadata("a").latestVersion(), "the failed write did not apply");
    assertTrue(store.read(ReadRequest.current("a")).isPresent(), "reads still work");
    backend.heal();
    write("a", "3");
    assertEquals(2, store.metadata("a").latestVersion());
  }

  @Test
  void failing_withAGivenException_throwsIt() {
    backend.failing("read", () -> new ConflictException("injected conflict"));
    assertThrows(ConflictException.class, () -> store.read(ReadRequest.current("x")));
  }

  @Test
  void failAfter_passesTheFirstNCalls_thenFailsEveryOne() {
    backend.failAfter("write", 2);
    write("a", "1");
    write("a", "2");
    assertThrows(BackendUnavailableException.class, () -> write("a", "3"));
    assertThrows(BackendUnavailableException.class, () -> write("a", "4"));
    assertEquals(2, store.metadata("a").latestVersion());
    assertEquals(4, backend.calls("write"));
  }

  @Test
  void failAfterApplying_appliesTheCall_thenFails() {
    backend.failAfterApplying("write");
    assertThrows(BackendUnavailableException.class, () -> write("a", "1"));
    backend.heal();
    assertEquals(1, store.metadata("a").latestVersion(), "the write took effect");
  }

  @Test
  void latency_goesThroughTheSleeper_perCall() {
    Instant start = clock.instant();
    backend.latency("read", Duration.ofMillis(250));
    store.read(ReadRequest.current("a"));
    store.readAll(List.of(ReadRequest.current("a")));
    assertEquals(start.plusMillis(250), clock.instant(), "readAll is its own operation");
    write("a", "1");
    assertEquals(start.plusMillis(250), clock.instant(), "writes are not slowed");
  }

  @Test
  void any_coversTheKeyServiceToo() {
    backend.keys().createKey("k");
    backend.failing(FaultyBackend.ANY);
    assertThrows(
        BackendUnavailableException.class,
        () -> backend.keys().wrap(new WrapRequest("k", SecretValue.of(new byte[32]), new byte[0])));
    assertThrows(BackendUnavailableException.class, () -> store.list(""));
  }

  @Test
  void unknownOperation_isRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> backend.failing("wirte"));
    assertTrue(e.getMessage().contains("write"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> backend.failAfter("write", -1));
    assertThrows(
        IllegalArgumentException.class, () -> backend.latency("read", Duration.ofSeconds(-1)));
  }
}
