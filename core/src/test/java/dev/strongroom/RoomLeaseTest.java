package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.lease.LeaseEvent;
import dev.strongroom.lease.LeasedCredential;
import dev.strongroom.testkit.FakeScheduler;
import dev.strongroom.testkit.FaultInjectingBackend;
import dev.strongroom.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoomLeaseTest {
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  private static final String PATH = "database/creds/app";

  private final TestClock clock = new TestClock(START);
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private final FakeCredentials credentials = new FakeCredentials(clock, "pw");
  private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(credentials.backend());
  private final RecordingSink sink = new RecordingSink();
  private final List<LeaseEvent> events = new CopyOnWriteArrayList<>();
  private final Strongroom room =
      Strongroom.builder()
          .backend(backend)
          .clock(clock)
          .executor(Runnable::run)
          .leaseScheduler(scheduler)
          .principal("billing")
          .audit(sink)
          .build();

  {
    room.onLeaseEvent(events::add);
  }

  @AfterEach
  void close() {
    room.close();
  }

  private static String password(LeasedCredential c) {
    return c.field("password").copyUtf8String();
  }

  @Test
  void lease_dynamicCredentials_servedRenewedAndAudited() {
    LeasedCredential c = room.lease(PATH);

    assertEquals("pw-1", password(c));
    scheduler.advance(Duration.ofSeconds(50));
    scheduler.advance(Duration.ofSeconds(50));

    assertEquals("pw-1", password(c));
    assertTrue(events.stream().anyMatch(e -> e.type() == LeaseEvent.Type.RENEWED), "" + events);
    assertEquals("billing lease " + PATH + " 0 intent", sink.records.get(0));
    assertEquals("billing lease " + PATH + " 0 ok", sink.records.get(1));
    assertTrue(sink.records.contains("billing lease.renewed " + PATH + " 0 ok"), "" + sink.records);
  }

  @Test
  void close_revokesEveryLeaseAndWipesValues() {
    room.put("api/token", SecretValue.ofUtf8("static"));
    LeasedCredential dynamic = room.lease(PATH);
    LeasedCredential issued =
        room.leaseSecret("api/token", Duration.ofMinutes(1), Duration.ofMinutes(10));
    SecretValue held = issued.field("value");
    assertEquals(1, credentials.live());

    room.close();

    assertEquals(0, credentials.live());
    assertTrue(held.isWiped());
    assertThrows(LeaseExpiredException.class, () -> dynamic.field("password"));
    assertThrows(LeaseExpiredException.class, () -> issued.field("value"));
    assertEquals(2, events.stream().filter(e -> e.type() == LeaseEvent.Type.REVOKED).count());
  }

  @Test
  void leaseSecret_pastItsEnd_refusedEvenIfSchedulerHasNotRun() {
    room.put("api/token", SecretValue.ofUtf8("static"));
    LeasedCredential c =
        room.leaseSecret("api/token", Duration.ofSeconds(30), Duration.ofSeconds(30));
    assertEquals("static", c.field("value").copyUtf8String());
    assertEquals("billing lease api/token 1 ok", sink.records.get(sink.records.size() - 1));

    clock.advance(Duration.ofSeconds(30));

    assertThrows(LeaseExpiredException.class, () -> c.field("value"));
  }

  @Test
  void leaseSecret_atMaxTtl_expiresAndWipesItsCopy() {
    room.put("api/token", SecretValue.ofUtf8("static"));
    LeasedCredential c =
        room.leaseSecret("api/token", Duration.ofSeconds(10), Duration.ofSeconds(25));
    SecretValue held = c.field("value");

    scheduler.advance(Duration.ofSeconds(24));
    assertEquals("static", c.field("value").copyUtf8String());
    scheduler.advance(Duration.ofSeconds(1));

    assertTrue(held.isWiped());
    assertThrows(LeaseExpiredException.class, () -> c.field("value"));
    assertEquals(LeaseEvent.Type.EXPIRED, events.get(events.size() - 1).type());
    assertEquals("static", room.secret("api/token").copyUtf8String());
  }

  @Test
  void lease_faultyBackend_neverUsedPastEndAndRecoversWhenFaultClears() {
    LeasedCredential c = room.lease(PATH);
    int refused = 0;
    int servedAfterOutage = 0;
    int firstServedAfterOutage = 0;
    for (int second = 1; second <= 400; second++) {
      backend.failing(second >= 20 && second < 200);
      scheduler.advance(Duration.ofSeconds(1));
      String served;
      try {
        served = password(c);
      } catch (LeaseExpiredException e) {
        refused++;
        assertEquals(0, firstServedAfterOutage, "refused at " + second + " s after recovering");
        continue;
      }
      Instant now = clock.instant();
      FakeCredentials.Grant grant =
          credentials.grants.values().stream()
              .filter(g -> g.password.equals(served))
              .findFirst()
              .orElseThrow();
      assertTrue(now.isBefore(grant.end), "served " + served + " at " + now + " after its end");
      assertEquals(null, grant.revokedAt, "served a revoked credential");
      if (second >= 200) {
        servedAfterOutage++;
        if (firstServedAfterOutage == 0) {
          firstServedAfterOutage = second;
        }
      }
    }

    assertTrue(refused > 0, "the outage outlasted the lease, so reads must have been refused");
    // Retries back off to at most one minute (LeaseManager's maxBackoff), with jitter: the lease
    // must come back within that minute of the fault clearing at 200 s, and stay up after.
    assertTrue(
        firstServedAfterOutage > 0 && firstServedAfterOutage <= 200 + 60,
        "recovered at " + firstServedAfterOutage + " s");
    assertEquals(400 - firstServedAfterOutage + 1, servedAfterOutage);
    assertTrue(events.stream().anyMatch(e -> e.type() == LeaseEvent.Type.EXPIRED));
    assertTrue(events.stream().anyMatch(e -> e.type() == LeaseEvent.Type.ROTATED));
  }

  @Test
  void leaseRotationOverlap_fromTheRoomBuilder_reachesTheLeaseManager() {
    assertTrue(replacedLeaseLiveAtRotation(null), "default overlap: the old lease stays a while");
    assertFalse(replacedLeaseLiveAtRotation(Duration.ZERO), "overlap 0: revoked at rotation");
    assertThrows(
        IllegalArgumentException.class,
        () -> Strongroom.builder().leaseRotationOverlap(Duration.ofSeconds(-1)));
  }

  /**
   * Whether lease 1 is still live in the second its replacement is granted, renewals being refused
   * (rotation at the first renewal, about 40 s into the 60 s lease: the default overlap is then
   * min(60 s, 60 s / 4, half of the 20 s left) = 10 s).
   */
  private boolean replacedLeaseLiveAtRotation(Duration overlap) {
    TestClock ownClock = new TestClock(START);
    FakeScheduler ownScheduler = new FakeScheduler(ownClock);
    FakeCredentials own = new FakeCredentials(ownClock, "ov");
    own.refuseRenewals = true;
    Strongroom.Builder builder =
        Strongroom.builder()
            .backend(own.backend())
            .clock(ownClock)
            .executor(Runnable::run)
            .leaseScheduler(ownScheduler);
    if (overlap != null) {
      builder.leaseRotationOverlap(overlap);
    }
    try (Strongroom r = builder.build()) {
      r.lease(PATH);
      for (int second = 0; second < 120; second++) {
        ownScheduler.advance(Duration.ofSeconds(1));
        if (own.grants.containsKey(PATH + "/lease-2")) {
          return own.grants.get(PATH + "/lease-1").revokedAt == null;
        }
      }
      throw new AssertionError("no rotation within 120 s");
    }
  }

  @Test
  void lease_backendWithoutLeases_notFoundAndAudited() {
    RecordingSink plainSink = new RecordingSink();
    try (Strongroom plain =
        Strongroom.builder()
            .backend(MemoryBackend.create(clock))
            .clock(clock)
            .audit(plainSink)
            .build()) {
      NotFoundException e = assertThrows(NotFoundException.class, () -> plain.lease(PATH));

      assertTrue(e.getMessage().contains("leaseSecret"), e.getMessage());
      assertEquals(
          List.of(
              "anonymous lease " + PATH + " 0 intent", "anonymous lease " + PATH + " 0 not_found"),
          plainSink.records);
    }
  }

  @Test
  void lease_scopeWithoutLease_deniedAndAudited() {
    room.put("db/a", SecretValue.ofUtf8("x"));
    Strongroom reader = room.scoped(AccessPolicy.allow("**", Operation.READ));
    sink.clear();

    assertThrows(AccessDeniedException.class, () -> reader.lease(PATH));
    assertThrows(
        AccessDeniedException.class,
        () -> reader.leaseSecret("db/a", Duration.ofSeconds(1), Duration.ofSeconds(1)));

    assertEquals(
        List.of("billing lease " + PATH + " 0 denied", "billing lease db/a 0 denied"),
        sink.records);
    assertEquals(0, credentials.grants.size());
  }

  @Test
  void onLeaseEvent_scopedView_seesOnlyLeasesItMayHold() {
    Strongroom view =
        room.scoped(
            AccessPolicy.allow(AccessPolicy.Resource.LEASE, "database/**", Operation.LEASE));
    List<LeaseEvent> seen = new CopyOnWriteArrayList<>();
    Strongroom.Registration registration = view.onLeaseEvent(seen::add);
    room.put("other", SecretValue.ofUtf8("x"));

    view.lease(PATH).revoke();
    room.leaseSecret("other", Duration.ofSeconds(5), Duration.ofSeconds(5)).revoke();
    registration.close();
    room.lease(PATH).revoke();

    assertEquals(1, seen.size(), "" + seen);
    assertEquals(PATH, seen.get(0).path());
    assertEquals(3, events.size());
  }

  @Test
  void lease_onTenantView_refused() {
    Strongroom tenant = room.tenant("acme");
    tenant.keys().create("default");
    assertThrows(IllegalStateException.class, () -> tenant.lease(PATH));
    tenant.put("db", SecretValue.ofUtf8("t"));
    LeasedCredential c = tenant.leaseSecret("db", Duration.ofSeconds(5), Duration.ofSeconds(5));
    assertNotNull(c.lease());
    assertEquals("tenants/acme/db", c.path());
    assertFalse(c.toString().contains("\"t\""));
  }

  @Test
  void leaseSecret_badTtls_rejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> room.leaseSecret("a", Duration.ofSeconds(10), Duration.ofSeconds(5)));
    assertThrows(
        IllegalArgumentException.class,
        () -> room.leaseSecret("a", Duration.ZERO, Duration.ofSeconds(5)));
  }
}
