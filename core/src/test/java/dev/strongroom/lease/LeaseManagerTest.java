package dev.strongroom.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.testkit.FakeScheduler;
import dev.strongroom.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LeaseManagerTest {
  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  /** nextDouble() == 0: no renewal jitter, backoff at half its base. */
  static final RandomGenerator ZERO = () -> 0L;

  /** nextDouble() just under 1: the largest jitter. */
  static final RandomGenerator ONE = () -> -1L;

  private final TestClock clock = new TestClock(START);
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private final FakeLeaseProvider provider = new FakeLeaseProvider(clock);

  /** The supplier may do I/O (create a database user): no monitor may be held around it. */
  @Test
  void issue_fromSupplier_callsItHoldingNoMonitor() {
    LeaseManager manager = manager(ZERO);
    dev.strongroom.testkit.MonitorProbe probe = new dev.strongroom.testkit.MonitorProbe();
    LeasedCredential credential =
        manager.issue(
            "jit",
            () -> {
              probe.check("supplier");
              return SecretValue.ofUtf8("v");
            },
            Duration.ofMinutes(5),
            Duration.ofMinutes(5));

    assertEquals(List.of(), probe.held());
    credential.close();
  }

  private final List<LeaseEvent> events = new CopyOnWriteArrayList<>();

  private LeaseManager manager(RandomGenerator random) {
    LeaseManager manager =
        LeaseManager.builder()
            .clock(clock)
            .scheduler(scheduler)
            .random(random)
            .backoff(Duration.ofSeconds(2), Duration.ofSeconds(8))
            .build();
    manager.addListener(events::add);
    return manager;
  }

  private List<String> eventLog() {
    return events.stream()
        .map(e -> e.type() + "@" + Duration.between(START, e.time()).toSeconds())
        .collect(Collectors.toList());
  }

  private static String password(LeasedCredential credential) {
    return credential.field("password").copyUtf8String();
  }

  @Test
  void acquire_renewsAtTwoThirdsOfGrantedTtl() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");

    scheduler.advance(Duration.ofSeconds(39));
    assertEquals(List.of(), eventLog());
    scheduler.advance(Duration.ofSeconds(1));

    assertEquals(List.of("RENEWED@40"), eventLog());
    assertEquals(START.plusSeconds(100), credential.end());
    assertEquals(FakeLeaseProvider.CANARY + "-1", password(credential));
  }

  @Test
  void renewal_withJitter_comesEarlierButNotBeforeTheJitterBound() {
    LeaseManager manager = manager(ONE);
    manager.acquire(provider, "db/creds/app");

    scheduler.advance(Duration.ofSeconds(35));
    assertEquals(List.of(), eventLog());
    scheduler.advance(Duration.ofSeconds(1));

    assertEquals(List.of("RENEWED@36"), eventLog());
  }

  @Test
  void renewal_grantedShorterTtl_rotatesAThirdOfTheFirstTtlBeforeTheGrantEnds() {
    LeaseManager manager = manager(ZERO);
    provider.shortGrant = Duration.ofSeconds(30);
    manager.acquire(provider, "db/creds/app");
    provider.renewal = FakeLeaseProvider.Renewal.SHORT;

    scheduler.advance(Duration.ofSeconds(40));
    scheduler.advance(Duration.ofSeconds(20));

    // Granted 30 s at 40 (end 70): the cap is the hard end, so rotate at 70 - 60/3 = 50.
    assertEquals(List.of("RENEWED@40", "ROTATED@50"), eventLog());
  }

  @Test
  void renewal_refused_rotatesAndRevokesTheOldLease() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    SecretValue oldPassword = credential.field("password");
    provider.renewal = FakeLeaseProvider.Renewal.REFUSED;

    scheduler.advance(Duration.ofSeconds(40));

    assertEquals(List.of("FAILED@40", "ROTATED@40"), eventLog());
    assertEquals(FakeLeaseProvider.CANARY + "-2", password(credential));
    assertEquals(START.plusSeconds(100), credential.end());
    // The replaced lease overlaps: min(60 s, TTL/4 = 15 s, half of the 20 s left = 10 s).
    scheduler.advance(Duration.ofSeconds(9));
    assertNull(provider.grants.get("db/creds/app/lease-1").revokedAt);
    assertFalse(oldPassword.isWiped());
    scheduler.advance(Duration.ofSeconds(1));
    assertEquals(START.plusSeconds(50), provider.grants.get("db/creds/app/lease-1").revokedAt);
    assertTrue(oldPassword.isWiped());
  }

  @Test
  void rotation_keepsTheReplacedLeaseForTheOverlapWindow_thenRevokesIt() {
    LeaseManager manager = manager(ZERO);
    provider.ttl = Duration.ofSeconds(600);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    SecretValue oldPassword = credential.field("password");
    provider.renewal = FakeLeaseProvider.Renewal.REFUSED;

    scheduler.advance(Duration.ofSeconds(400));
    assertEquals(List.of("FAILED@400", "ROTATED@400"), eventLog());
    assertEquals(FakeLeaseProvider.CANARY + "-2", password(credential));

    // Overlap: min(60 s default, 600/4 = 150 s, 200/2 = 100 s) = 60 s.
    scheduler.advance(Duration.ofSeconds(59));
    assertNull(provider.grants.get("db/creds/app/lease-1").revokedAt);
    assertFalse(oldPassword.isWiped());
    scheduler.advance(Duration.ofSeconds(1));
    assertEquals(START.plusSeconds(460), provider.grants.get("db/creds/app/lease-1").revokedAt);
    assertTrue(oldPassword.isWiped());
    assertNull(provider.grants.get("db/creds/app/lease-2").revokedAt);
  }

  @Test
  void rotation_withOverlapZero_revokesTheReplacedLeaseAtOnce() {
    LeaseManager manager =
        LeaseManager.builder()
            .clock(clock)
            .scheduler(scheduler)
            .random(ZERO)
            .rotationOverlap(Duration.ZERO)
            .build();
    provider.renewal = FakeLeaseProvider.Renewal.REFUSED;
    manager.acquire(provider, "db/creds/app");

    scheduler.advance(Duration.ofSeconds(40));

    assertEquals(START.plusSeconds(40), provider.grants.get("db/creds/app/lease-1").revokedAt);
    assertThrows(
        IllegalArgumentException.class,
        () -> LeaseManager.builder().rotationOverlap(Duration.ofSeconds(-1)));
  }

  @Test
  void close_duringTheOverlap_revokesTheReplacedLeaseToo() {
    LeaseManager manager = manager(ZERO);
    provider.renewal = FakeLeaseProvider.Renewal.REFUSED;
    manager.acquire(provider, "db/creds/app");
    scheduler.advance(Duration.ofSeconds(40));
    assertNull(provider.grants.get("db/creds/app/lease-1").revokedAt);

    manager.close();

    assertEquals(START.plusSeconds(40), provider.grants.get("db/creds/app/lease-1").revokedAt);
    assertEquals(START.plusSeconds(40), provider.grants.get("db/creds/app/lease-2").revokedAt);
    assertTrue(provider.grants.values().stream().allMatch(g -> g.value.isWiped()));
    assertEquals(0, scheduler.pending());
  }

  @Test
  void revokingTheCredential_duringTheOverlap_revokesTheReplacedLeaseToo() {
    LeaseManager manager = manager(ZERO);
    provider.renewal = FakeLeaseProvider.Renewal.REFUSED;
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    scheduler.advance(Duration.ofSeconds(40));

    credential.revoke();

    assertEquals(START.plusSeconds(40), provider.grants.get("db/creds/app/lease-1").revokedAt);
    assertEquals(0, scheduler.pending());
  }

  @Test
  void credentialsReset_nextStep_rotatesEveryCredentialOfThatProviderOnly() {
    LeaseManager manager = manager(ZERO);
    FakeLeaseProvider other = new FakeLeaseProvider(clock);
    LeasedCredential a = manager.acquire(provider, "db/creds/a");
    LeasedCredential b = manager.acquire(provider, "db/creds/b");
    LeasedCredential c = manager.acquire(other, "db/creds/c");
    manager.acquire(provider, "db/creds/a2");
    SecretValue oldA = a.field("password");
    SecretValue oldC = c.field("password");
    scheduler.advance(Duration.ofSeconds(10));

    provider.resetCredentials();
    assertEquals(List.of(), eventLog()); // nothing on the signalling thread
    scheduler.runDue();

    assertEquals(List.of("ROTATED@10", "ROTATED@10", "ROTATED@10"), eventLog());
    assertEquals(1, provider.resetListeners.size()); // registered once for three acquires
    assertEquals(provider.latest("db/creds/a").id, a.lease().id());
    assertEquals(provider.latest("db/creds/b").id, b.lease().id());
    assertEquals(provider.latest("db/creds/a").password, password(a));
    assertEquals(START.plusSeconds(10), provider.grantsFor("db/creds/a").get(0).revokedAt);
    assertEquals(6, provider.grants.size());
    assertTrue(oldA.isWiped());
    assertEquals("db/creds/c/lease-1", c.lease().id());
    assertFalse(oldC.isWiped());
    assertEquals(START.plusSeconds(70), a.end());
    // The rotated leases renew on the normal plan afterwards.
    scheduler.advance(Duration.ofSeconds(40));
    assertEquals(
        List.of(
            "ROTATED@10",
            "ROTATED@10",
            "ROTATED@10",
            "RENEWED@40",
            "RENEWED@50",
            "RENEWED@50",
            "RENEWED@50"),
        eventLog());
  }

  @Test
  void credentialsReset_duringRotation_rotatesAgain() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    provider.renewal = FakeLeaseProvider.Renewal.REFUSED;
    // The reset lands while the refused renewal's re-acquire is in flight.
    provider.onAcquire =
        () -> {
          provider.onAcquire = () -> {};
          provider.resetCredentials();
        };

    scheduler.advance(Duration.ofSeconds(40));

    assertEquals(List.of("FAILED@40", "ROTATED@40", "ROTATED@40"), eventLog());
    assertEquals("db/creds/app/lease-3", credential.lease().id());
  }

  /** Issue 17: from the reset signal on, the dead credential is never handed out as valid. */
  @Test
  void credentialsReset_beforeReplacement_readsRefusedTyped() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    scheduler.advance(Duration.ofSeconds(10));

    provider.resetCredentials();

    LeaseExpiredException e =
        assertThrows(LeaseExpiredException.class, () -> credential.field("password"));
    assertTrue(e.getMessage().contains("db/creds/app"), e.getMessage());
    assertTrue(e.getMessage().contains("reset"), e.getMessage());
    assertFalse(e.getMessage().contains(FakeLeaseProvider.CANARY), e.getMessage());
    assertThrows(LeaseExpiredException.class, credential::fields);
    scheduler.runDue();
    assertEquals(provider.latest("db/creds/app").password, password(credential));
  }

  /** Issue 17: while the replacement cannot be acquired, reads stay refused (not the dead one). */
  @Test
  void credentialsReset_replacementFails_readsStayRefusedUntilItWorks() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    provider.acquireFails = true;

    provider.resetCredentials();
    scheduler.advance(Duration.ofSeconds(5));

    assertThrows(LeaseExpiredException.class, () -> credential.field("password"));
    provider.acquireFails = false;
    scheduler.advance(Duration.ofSeconds(10));
    assertEquals(provider.latest("db/creds/app").password, password(credential));
  }

  /**
   * Issue 17: a replacement whose acquire overlapped a second reset may itself be dead: it is not
   * handed out while the next replacement is being acquired.
   */
  @Test
  void credentialsReset_duringRotation_suspectReplacementRefused() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    provider.onAcquire =
        () -> {
          provider.onAcquire = () -> provider.acquireFails = true;
          provider.resetCredentials();
        };

    provider.resetCredentials();
    scheduler.runDue();

    assertEquals("db/creds/app/lease-2", credential.lease().id());
    assertThrows(LeaseExpiredException.class, () -> credential.field("password"));
  }

  /** Issue 17: a planned token replacement rotates at once, the old values readable meanwhile. */
  @Test
  void credentialsRetiring_rotatesWithOverlap_oldValuesReadableUntilReplaced() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    scheduler.advance(Duration.ofSeconds(10));

    provider.retireCredentials();
    assertEquals(provider.latest("db/creds/app").password, password(credential));
    scheduler.runDue();

    assertEquals(List.of("ROTATED@10"), eventLog());
    assertEquals("db/creds/app/lease-2", credential.lease().id());
    assertNull(provider.grants.get("db/creds/app/lease-1").revokedAt); // kept for the overlap
    scheduler.advance(Duration.ofSeconds(15));
    assertEquals(START.plusSeconds(25), provider.grants.get("db/creds/app/lease-1").revokedAt);
  }

  @Test
  void renewal_grantTooShort_rotates() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    provider.renewal = FakeLeaseProvider.Renewal.SHORT;

    scheduler.advance(Duration.ofSeconds(40));

    assertEquals(List.of("RENEWED@40", "ROTATED@40"), eventLog());
    assertEquals("db/creds/app/lease-2", credential.lease().id());
  }

  @Test
  void renewal_backendDown_backsOffWithCapThenRecovers() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    provider.renewal = FakeLeaseProvider.Renewal.ERROR;

    scheduler.advance(Duration.ofSeconds(51));
    // Backoff bases 2, 4, 8, 8 (capped) at half with this random source: 1, 2, 4, 4 s.
    assertEquals(
        List.of("FAILED@40", "FAILED@41", "FAILED@43", "FAILED@47", "FAILED@51"), eventLog());
    provider.renewal = FakeLeaseProvider.Renewal.OK;
    scheduler.advance(Duration.ofSeconds(4));

    assertEquals("RENEWED@55", eventLog().get(5));
    assertEquals(START.plusSeconds(115), credential.end());
    assertNotNull(credential.field("password"));
  }

  @Test
  void backendDownPastEnd_expiresWipesAndRefuses_thenRotatesWhenBack() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    SecretValue oldPassword = credential.field("password");
    provider.renewal = FakeLeaseProvider.Renewal.ERROR;
    provider.acquireFails = true;

    scheduler.advance(Duration.ofSeconds(60));

    assertTrue(eventLog().contains("EXPIRED@60"));
    assertTrue(oldPassword.isWiped());
    LeaseExpiredException e = assertThrows(LeaseExpiredException.class, credential::fields);
    assertFalse(e.getMessage().contains(FakeLeaseProvider.CANARY));

    provider.acquireFails = false;
    scheduler.advance(Duration.ofSeconds(8));

    assertTrue(eventLog().stream().anyMatch(s -> s.startsWith("ROTATED@")));
    assertEquals(FakeLeaseProvider.CANARY + "-2", password(credential));
  }

  @Test
  void fields_atLeaseEndBeforeSchedulerRuns_refuses() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");

    clock.advance(Duration.ofSeconds(60)); // the scheduler has not run the renewal

    assertThrows(LeaseExpiredException.class, credential::fields);
    assertThrows(LeaseExpiredException.class, () -> credential.field("password"));
  }

  @Test
  void field_unknownName_throwsNotFound() {
    LeasedCredential credential = manager(ZERO).acquire(provider, "db/creds/app");

    assertThrows(NotFoundException.class, () -> credential.field("nope"));
  }

  @Test
  void maxTtl_rotatesBeforeItIsReached() {
    provider.maxTtl = Duration.ofSeconds(150);
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");

    scheduler.advance(Duration.ofSeconds(149));

    // At 120 the grant is capped at 30 s (end 150): rotate a third of the TTL (20 s) before that.
    assertEquals(List.of("RENEWED@40", "RENEWED@80", "RENEWED@120", "ROTATED@130"), eventLog());
    assertEquals("db/creds/app/lease-2", credential.lease().id());
  }

  @Test
  void nonRenewableLease_rotatesAtTwoThirds() {
    provider.renewable = false;
    LeaseManager manager = manager(ZERO);
    manager.acquire(provider, "db/creds/app");

    scheduler.advance(Duration.ofSeconds(80));

    assertEquals(List.of("ROTATED@40", "ROTATED@80"), eventLog());
  }

  @Test
  void revoke_revokesWipesStopsAndRefusesReads() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    SecretValue password = credential.field("password");

    credential.revoke();
    credential.revoke();
    scheduler.advance(Duration.ofMinutes(10));

    assertEquals(List.of("REVOKED@0"), eventLog());
    assertTrue(password.isWiped());
    assertEquals(START, provider.grants.get("db/creds/app/lease-1").revokedAt);
    assertThrows(LeaseExpiredException.class, credential::fields);
    assertEquals(0, scheduler.pending());
    assertEquals(0, manager.size());
  }

  @Test
  void close_revokesEverythingAndRefusesNewWork() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential a = manager.acquire(provider, "db/a");
    LeasedCredential b = manager.acquire(provider, "db/b");
    SecretValue aPassword = a.field("password");

    manager.close();
    manager.close();

    assertEquals(List.of("REVOKED@0", "REVOKED@0"), eventLog());
    assertTrue(aPassword.isWiped());
    assertTrue(provider.grants.values().stream().allMatch(g -> g.revokedAt != null));
    assertThrows(LeaseExpiredException.class, b::fields);
    assertThrows(IllegalStateException.class, () -> manager.acquire(provider, "db/c"));
    assertEquals(0, scheduler.pending());
  }

  @Test
  void revokeDuringRotation_revokesAndWipesTheNewCredential() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    provider.renewal = FakeLeaseProvider.Renewal.REFUSED;
    provider.onAcquire = credential::revoke;

    scheduler.advance(Duration.ofSeconds(40));

    FakeLeaseProvider.Grant fresh = provider.grants.get("db/creds/app/lease-2");
    assertNotNull(fresh.revokedAt);
    assertTrue(fresh.value.isWiped());
    assertFalse(eventLog().stream().anyMatch(s -> s.startsWith("ROTATED")));
    assertThrows(LeaseExpiredException.class, credential::fields);
  }

  @Test
  void issue_copiesValue_renewsUpToMaxTtl_thenExpiresAndWipes() {
    LeaseManager manager = manager(ZERO);
    SecretValue mine = SecretValue.ofUtf8(FakeLeaseProvider.CANARY);
    LeasedCredential credential =
        manager.issue("support/ticket-42", mine, Duration.ofSeconds(30), Duration.ofSeconds(90));
    SecretValue leased = credential.field("value");

    scheduler.advance(Duration.ofSeconds(89));
    assertEquals(FakeLeaseProvider.CANARY, credential.field("value").copyUtf8String());
    scheduler.advance(Duration.ofSeconds(1));

    assertEquals(List.of("RENEWED@20", "RENEWED@40", "RENEWED@60", "EXPIRED@90"), eventLog());
    assertTrue(leased.isWiped());
    assertFalse(mine.isWiped());
    assertThrows(LeaseExpiredException.class, () -> credential.field("value"));
    assertTrue(credential.lease().id().startsWith("strongroom/issued/support/ticket-42/"));
  }

  @Test
  void issue_fromSupplier_ownsValueAndRevokeWipesIt() {
    LeaseManager manager = manager(ZERO);
    SecretValue owned = SecretValue.ofUtf8(FakeLeaseProvider.CANARY);
    LeasedCredential credential =
        manager.issue("jit", () -> owned, Duration.ofMinutes(5), Duration.ofMinutes(5));

    credential.close();

    assertTrue(owned.isWiped());
    assertEquals(List.of("REVOKED@0"), eventLog());
  }

  @Test
  void issue_ttlAboveMaxTtl_rejected() {
    LeaseManager manager = manager(ZERO);
    SecretValue value = SecretValue.ofUtf8("x");

    assertThrows(
        IllegalArgumentException.class,
        () -> manager.issue("x", value, Duration.ofMinutes(2), Duration.ofMinutes(1)));
  }

  @Test
  void listenerThatThrows_doesNotStopRenewals() {
    LeaseManager manager = manager(ZERO);
    manager.addListener(
        e -> {
          throw new IllegalStateException("listener bug");
        });
    manager.acquire(provider, "db/creds/app");

    scheduler.advance(Duration.ofSeconds(80));

    assertEquals(List.of("RENEWED@40", "RENEWED@80"), eventLog());
  }

  @Test
  void toStrings_andMessages_neverContainTheValue() {
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    provider.renewal = FakeLeaseProvider.Renewal.ERROR;
    scheduler.advance(Duration.ofSeconds(40));
    clock.advance(Duration.ofSeconds(30));
    LeaseExpiredException e = assertThrows(LeaseExpiredException.class, credential::fields);

    String all = credential + " " + manager + " " + events + " " + e.getMessage();

    assertFalse(all.contains(FakeLeaseProvider.CANARY), all);
    assertTrue(all.contains("db/creds/app/lease-1"));
  }

  @Test
  void defaultScheduler_deliversEventsOnTheLeaseThread() throws InterruptedException {
    FakeLeaseProvider realTimeProvider = new FakeLeaseProvider(clock);
    AtomicReference<String> thread = new AtomicReference<>();
    CountDownLatch renewed = new CountDownLatch(1);
    try (LeaseManager manager = LeaseManager.builder().renewFraction(0.001).build()) {
      manager.addListener(
          e -> {
            if (e.type() == LeaseEvent.Type.RENEWED) {
              thread.compareAndSet(null, Thread.currentThread().getName());
              renewed.countDown();
            }
          });
      realTimeProvider.ttl = Duration.ofSeconds(10); // issued "now" on the real clock below
      dev.strongroom.spi.LeaseProvider shifted = new RealTimeProvider(realTimeProvider);
      manager.acquire(shifted, "db/creds/app");

      assertTrue(renewed.await(10, TimeUnit.SECONDS));
    }
    assertEquals("strongroom-lease", thread.get());
  }

  /** Re-stamps the fake's leases with the real clock, for the one test on the real scheduler. */
  private static final class RealTimeProvider implements dev.strongroom.spi.LeaseProvider {
    private final FakeLeaseProvider fake;

    RealTimeProvider(FakeLeaseProvider fake) {
      this.fake = fake;
    }

    @Override
    public dev.strongroom.spi.LeasedSecret acquire(String path) {
      dev.strongroom.spi.LeasedSecret secret = fake.acquire(path);
      Lease l = secret.lease();
      return dev.strongroom.spi.LeasedSecret.of(
          new Lease(l.id(), l.ttl(), l.maxTtl(), l.renewable(), Instant.now()), secret.fields());
    }

    @Override
    public Lease renew(String leaseId, Duration increment) {
      return new Lease(leaseId, increment, Duration.ZERO, true, Instant.now());
    }

    @Override
    public void revoke(String leaseId) {}
  }

  @Test
  void rotation_changesValue() {
    provider.renewable = false;
    LeaseManager manager = manager(ZERO);
    LeasedCredential credential = manager.acquire(provider, "db/creds/app");
    String before = password(credential);

    scheduler.advance(Duration.ofSeconds(40));

    assertNotEquals(before, password(credential));
  }
}
