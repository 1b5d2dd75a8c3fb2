package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.apikey.IssueRequest;
import dev.strongroom.apikey.Verification;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.lease.LeaseEvent;
import dev.strongroom.observe.RoomObserver;
import dev.strongroom.observe.RotationOutcome;
import dev.strongroom.testkit.FakeScheduler;
import dev.strongroom.testkit.FaultInjectingBackend;
import dev.strongroom.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 16: the room tells its {@link RoomObserver} what it does, and survives a throwing one. */
class RoomObserverWiringTest {
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  /** Records every callback as text; throws after recording if {@code throwing}. */
  static final class Recording implements RoomObserver {
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile boolean throwing;

    private void add(String call) {
      calls.add(call);
      if (throwing) {
        throw new IllegalStateException("observer bug");
      }
    }

    @Override
    public void cacheHit(String name) {
      add("hit " + name);
    }

    @Override
    public void cacheMiss(String name) {
      add("miss " + name);
    }

    @Override
    public void backendCall(String op, Duration latency, Class<? extends Throwable> error) {
      add("backend " + op + (error == null ? "" : " " + error.getSimpleName()));
    }

    @Override
    public void staleRead(String name, Duration staleness) {
      add("stale " + name + " " + staleness.toSeconds());
    }

    @Override
    public void leaseEvent(String path, LeaseEvent.Type type) {
      add("lease " + path + " " + type);
    }

    @Override
    public void rotation(String name, RotationOutcome outcome, Duration duration) {
      add("rotation " + name + " " + outcome);
    }

    @Override
    public void auditFailure(String operation, Class<? extends Throwable> error) {
      add("audit " + operation + " " + error.getSimpleName());
    }

    @Override
    public void apiKeyVerification(Verification.Outcome outcome) {
      add("apikey " + outcome);
    }

    long count(String prefix) {
      return calls.stream().filter(c -> c.startsWith(prefix)).count();
    }
  }

  private final TestClock clock = new TestClock(START);
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private final FakeCredentials credentials = new FakeCredentials(clock, "pw");
  private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(credentials.backend());
  private final RecordingSink sink = new RecordingSink();
  private final Recording observer = new Recording();
  private final Strongroom room =
      Strongroom.builder()
          .backend(backend)
          .clock(clock)
          .executor(Runnable::run)
          .leaseScheduler(scheduler)
          .refreshAfter(Duration.ofSeconds(60))
          .maxStaleness(Duration.ofMinutes(10))
          .audit(sink)
          .observer(observer)
          .build();

  @AfterEach
  void close() {
    room.close();
  }

  @Test
  void reads_tellMissThenHit_andEveryBackendCallWithItsSpiName() {
    room.put("db/password", SecretValue.ofUtf8("s3cret"));
    room.secret("db/password").close(); // the write cached it
    observer.calls.clear();

    assertThrows(NotFoundException.class, () -> room.secret("other"));
    room.secret("db/password").close();

    assertTrue(observer.calls.contains("hit db/password"), observer.calls.toString());
    assertTrue(observer.calls.contains("miss other"), observer.calls.toString());
    assertTrue(observer.calls.contains("backend read"), observer.calls.toString());
    assertFalse(observer.calls.stream().anyMatch(c -> c.contains("s3cret")));
  }

  @Test
  void refreshFailing_readsServedStale_areTold() {
    room.put("db/password", SecretValue.ofUtf8("s3cret"));
    backend.failing(true);
    clock.advance(Duration.ofSeconds(67)); // past refreshAfter (60 s) and its jitter (6 s)
    room.secret("db/password").close(); // triggers the refresh, which fails
    assertTrue(
        observer.calls.contains("backend read BackendUnavailableException"),
        observer.calls.toString());
    observer.calls.clear();
    clock.advance(Duration.ofSeconds(30));

    room.secret("db/password").close();

    assertEquals(List.of("hit db/password", "stale db/password 97"), observer.calls);
  }

  @Test
  void rotation_outcomes() {
    room.put("api/token", SecretValue.ofUtf8("one"));

    room.rotate("api/token", current -> SecretValue.ofUtf8("two"));
    assertThrows(
        StrongroomException.class,
        () ->
            room.rotate(
                "api/token",
                new SecretRotator() {
                  @Override
                  public SecretValue generate(SecretValue current) {
                    return SecretValue.ofUtf8("three");
                  }

                  @Override
                  public boolean verify(SecretValue pending) {
                    return false;
                  }
                }));
    backend.failing(true);
    assertThrows(
        StrongroomException.class,
        () -> room.rotate("api/token", current -> SecretValue.ofUtf8("four")));

    assertEquals(
        List.of(
            "rotation api/token PROMOTED",
            "rotation api/token REJECTED",
            "rotation api/token BACKEND_ERROR"),
        observer.calls.stream().filter(c -> c.startsWith("rotation")).toList());
  }

  @Test
  void auditSinkFailure_andApiKeyVerification_areTold() {
    Verification v = room.apiKeys().verify("not-a-key".toCharArray());
    assertEquals("apikey " + v.outcome(), observer.calls.get(observer.calls.size() - 1));

    sink.broken.set(true);
    assertThrows(AccessDeniedException.class, () -> room.put("x", SecretValue.ofUtf8("v")));
    assertThrows(
        AccessDeniedException.class,
        () -> room.apiKeys().issue(IssueRequest.builder("test").owner("ci").build()));

    assertTrue(observer.count("audit ") >= 2, observer.calls.toString());
    assertTrue(
        observer.calls.stream()
            .allMatch(c -> !c.startsWith("audit ") || c.endsWith("IllegalStateException")));
  }

  @Test
  void leaseEvents_andLeaseProviderCalls_areTold() {
    room.lease("database/creds/app");
    scheduler.advance(Duration.ofHours(1));

    assertTrue(observer.calls.contains("backend acquire"), observer.calls.toString());
    assertTrue(observer.count("lease database/creds/app ") > 0, observer.calls.toString());
  }

  @Test
  void aThrowingObserver_neverFailsTheRoom() {
    observer.throwing = true;
    room.put("db/password", SecretValue.ofUtf8("s3cret"));
    room.rotate("db/password", current -> SecretValue.ofUtf8("next"));
    room.apiKeys().verify("garbage".toCharArray());
    room.lease("database/creds/app");

    try (SecretValue v = room.secret("db/password")) {
      assertEquals("next", v.copyUtf8String());
    }
    assertTrue(observer.count("backend ") > 3);
  }
}
