package dev.strongroom.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.testkit.FakeScheduler;
import dev.strongroom.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;

/**
 * Drives a {@link LeaseManager} through random interleavings of acquisitions, backend answers
 * (renew ok / short / refused / error, acquire failing), clock moves and revocations, and after
 * every step checks it against a model built from what the fake backend granted:
 *
 * <ul>
 *   <li>a credential is readable exactly when it is not revoked and the backend's latest grant for
 *       it is unrevoked and has not ended, and then it reads that grant's value: never a value past
 *       its lease end;
 *   <li>RENEWED, ROTATED, EXPIRED, REVOKED and FAILED events match the backend's record;
 *   <li>every value not current is wiped; after close every lease is revoked and every value wiped.
 * </ul>
 */
class LeaseManagerModelTest {
  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  sealed interface Step permits Acquire, Answer, AcquireFails, Advance, Revoke {}

  record Acquire() implements Step {}

  record Answer(FakeLeaseProvider.Renewal renewal) implements Step {}

  record AcquireFails(boolean fails) implements Step {}

  record Advance(int seconds) implements Step {}

  record Revoke(int index) implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(2, Arbitraries.just(new Acquire())),
            net.jqwik.api.Tuple.of(
                3, Arbitraries.of(FakeLeaseProvider.Renewal.class).map(r -> (Step) new Answer(r))),
            net.jqwik.api.Tuple.of(
                1, Arbitraries.of(true, false).map(f -> (Step) new AcquireFails(f))),
            net.jqwik.api.Tuple.of(
                8, Arbitraries.integers().between(1, 90).map(s -> (Step) new Advance(s))),
            net.jqwik.api.Tuple.of(
                1, Arbitraries.integers().between(0, 4).map(i -> (Step) new Revoke(i))));
    return step.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 300)
  void manager_underRandomInterleavings_matchesModel(
      @ForAll("steps") List<Step> steps,
      @ForAll boolean renewable,
      @ForAll @IntRange(min = 0, max = 2) int maxTtlChoice,
      @ForAll @IntRange(min = 0, max = 1) int jitterChoice,
      @ForAll long seed) {
    check(steps, renewable, maxTtlChoice, jitterChoice, seed);
  }

  @Tag("soak")
  @Property(tries = 20_000)
  void manager_underRandomInterleavings_matchesModel_soak(
      @ForAll("steps") List<Step> steps,
      @ForAll boolean renewable,
      @ForAll @IntRange(min = 0, max = 2) int maxTtlChoice,
      @ForAll @IntRange(min = 0, max = 1) int jitterChoice,
      @ForAll long seed) {
    check(steps, renewable, maxTtlChoice, jitterChoice, seed);
  }

  private void check(
      List<Step> steps, boolean renewable, int maxTtlChoice, int jitterChoice, long seed) {
    TestClock clock = new TestClock(START);
    FakeScheduler scheduler = new FakeScheduler(clock);
    FakeLeaseProvider provider = new FakeLeaseProvider(clock);
    provider.renewable = renewable;
    provider.maxTtl =
        List.of(Duration.ZERO, Duration.ofSeconds(150), Duration.ofSeconds(400)).get(maxTtlChoice);
    List<LeaseEvent> events = new CopyOnWriteArrayList<>();
    LeaseManager manager =
        LeaseManager.builder()
            .clock(clock)
            .scheduler(scheduler)
            .jitter(jitterChoice == 0 ? 0 : 0.2)
            .random(new java.util.SplittableRandom(seed))
            .backoff(Duration.ofSeconds(1), Duration.ofSeconds(16))
            .build();
    manager.addListener(events::add);
    List<LeasedCredential> handles = new ArrayList<>();
    Set<String> revoked = new HashSet<>();
    int attempts = 0;

    for (Step step : steps) {
      if (step instanceof Acquire) {
        String path = "db/" + attempts++;
        try {
          handles.add(manager.acquire(provider, path));
        } catch (BackendUnavailableException e) {
          assertTrue(provider.acquireFails);
        }
      } else if (step instanceof Answer answer) {
        provider.renewal = answer.renewal();
      } else if (step instanceof AcquireFails fails) {
        provider.acquireFails = fails.fails();
      } else if (step instanceof Advance advance) {
        scheduler.advance(Duration.ofSeconds(advance.seconds()));
      } else if (step instanceof Revoke revoke && revoke.index() < handles.size()) {
        LeasedCredential handle = handles.get(revoke.index());
        handle.revoke();
        revoked.add(handle.path());
      }
      checkModel(clock.instant(), provider, handles, revoked, events, scheduler);
    }

    manager.close();
    for (LeasedCredential handle : handles) {
      revoked.add(handle.path());
    }
    checkModel(clock.instant(), provider, handles, revoked, events, scheduler);
    for (FakeLeaseProvider.Grant grant : provider.grants.values()) {
      assertTrue(grant.value.isWiped(), grant.id);
      assertTrue(grant.revokedAt != null || !grant.end.isAfter(clock.instant()), grant.id);
    }
    assertEquals(0, manager.size());
    assertEquals(0, scheduler.pending());
  }

  private static void checkModel(
      Instant now,
      FakeLeaseProvider provider,
      List<LeasedCredential> handles,
      Set<String> revoked,
      List<LeaseEvent> events,
      FakeScheduler scheduler) {
    int live = 0;
    int overlaps = 0;
    for (LeasedCredential handle : handles) {
      String path = handle.path();
      List<FakeLeaseProvider.Grant> grants = provider.grantsFor(path);
      FakeLeaseProvider.Grant latest = grants.get(grants.size() - 1);
      boolean isRevoked = revoked.contains(path);
      live += isRevoked ? 0 : 1;

      // The manager's lease is the backend's latest grant, with the same end.
      assertEquals(latest.id, handle.lease().id());
      Instant end =
          latest.maxEnd != null && latest.maxEnd.isBefore(latest.end) ? latest.maxEnd : latest.end;
      assertEquals(end, handle.end());

      // Readable exactly while the latest grant is live, and then it reads that grant's value.
      boolean readable = !isRevoked && latest.revokedAt == null && now.isBefore(end);
      String read;
      try {
        read = handle.field("password").copyUtf8String();
      } catch (LeaseExpiredException e) {
        read = null;
      }
      assertEquals(readable ? latest.password : null, read, path + " at " + now);

      // Every value but a live current one is wiped.
      // (The grant just replaced may still be in its rotation overlap: unrevoked, not ended.)
      for (FakeLeaseProvider.Grant grant : grants) {
        boolean current = grant == latest && !isRevoked && now.isBefore(end);
        boolean overlapping =
            grants.size() > 1
                && grant == grants.get(grants.size() - 2)
                && !isRevoked
                && grant.revokedAt == null
                && now.isBefore(endOf(grant));
        overlaps += overlapping && !grant.value.isWiped() ? 1 : 0;
        if (!overlapping) {
          assertEquals(!current, grant.value.isWiped(), grant.id + " at " + now);
        }
      }

      // Events match the backend's record.
      Map<LeaseEvent.Type, Integer> counts = new java.util.EnumMap<>(LeaseEvent.Type.class);
      for (LeaseEvent event : events) {
        if (event.path().equals(path)) {
          counts.merge(event.type(), 1, Integer::sum);
        }
      }
      int renewals = grants.stream().mapToInt(g -> g.renewals).sum();
      int failedRenewals = grants.stream().mapToInt(g -> g.failedRenewals).sum();
      int failedAcquires = provider.failedAcquires.getOrDefault(path, 0);
      long expired =
          grants.stream()
              .filter(g -> !g.end.isAfter(now) || (g.maxEnd != null && !g.maxEnd.isAfter(now)))
              .filter(g -> g.revokedAt == null || !g.revokedAt.isBefore(endOf(g)))
              .count();
      assertEquals(renewals, counts.getOrDefault(LeaseEvent.Type.RENEWED, 0), path);
      assertEquals(grants.size() - 1, counts.getOrDefault(LeaseEvent.Type.ROTATED, 0), path);
      assertEquals(isRevoked ? 1 : 0, counts.getOrDefault(LeaseEvent.Type.REVOKED, 0), path);
      assertEquals(expired, (long) counts.getOrDefault(LeaseEvent.Type.EXPIRED, 0), path);
      assertEquals(
          failedRenewals + failedAcquires, counts.getOrDefault(LeaseEvent.Type.FAILED, 0), path);
      for (LeaseEvent event : events) {
        assertNotNull(event.lease());
        assertTrue(!event.time().isAfter(now));
      }
    }
    // One task per live credential, and one per replaced lease still in its overlap.
    assertTrue(scheduler.pending() <= live + overlaps, "pending tasks " + scheduler.pending());
  }

  private static Instant endOf(FakeLeaseProvider.Grant grant) {
    return grant.maxEnd != null && grant.maxEnd.isBefore(grant.end) ? grant.maxEnd : grant.end;
  }
}
