package dev.strongroom.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.AccessPolicy;
import dev.strongroom.Operation;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.apikey.Verification.Outcome;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.FaultInjectingBackend;
import dev.strongroom.testkit.MutableClock;
import dev.strongroom.testkit.NonClosingBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  private final MutableClock clock = MutableClock.create();
  private final MemoryBackend shared = MemoryBackend.create(clock);
  private final FaultInjectingBackend backend =
      FaultInjectingBackend.wrap(NonClosingBackend.of(shared));
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final AtomicBoolean auditBroken = new AtomicBoolean();
  private final List<Strongroom> rooms = new CopyOnWriteArrayList<>();

  private Strongroom room(FaultInjectingBackend b, ApiKeyPolicy policy) {
    AuditSink sink =
        new AuditSink() {
          @Override
          public void record(AuditEvent event) {
            if (auditBroken.get()) {
              throw new IllegalStateException("audit disk full");
            }
            events.add(event);
          }

          @Override
          public void close() {}
        };
    Strongroom room =
        Strongroom.builder()
            .backend(b)
            .clock(clock)
            .executor(Runnable::run)
            .principal("svc")
            .audit(sink)
            .apiKeys(policy)
            .build();
    rooms.add(room);
    return room;
  }

  private ApiKeys keys(ApiKeyPolicy policy) {
    return room(backend, policy).apiKeys();
  }

  @AfterEach
  void close() {
    rooms.forEach(Strongroom::close);
  }

  private static IssueRequest request() {
    return IssueRequest.builder("live").owner("alice").scopes("read").build();
  }

  @Test
  void apiKeys_oneInstancePerRoom_notOnViews() {
    Strongroom room = room(backend, ApiKeyPolicy.defaults());
    assertSame(room.apiKeys(), room.apiKeys());
    assertThrows(
        IllegalStateException.class,
        () -> room.scoped(AccessPolicy.allow("**", Operation.READ)).apiKeys());
    assertThrows(IllegalStateException.class, () -> room.tenant("t1").apiKeys());
  }

  @Test
  void hotKey_verifiedManyTimes_noBackendCallPerRequest() {
    ApiKeys keys = keys(ApiKeyPolicy.defaults());
    char[] key = keys.issue(request()).key().copyChars();
    assertTrue(keys.verify(key).valid()); // first use: records last-used (one write)
    long before = backend.storeCalls();

    for (int i = 0; i < 10_000; i++) {
      assertTrue(keys.verify(key).valid());
    }

    assertEquals(before, backend.storeCalls());
  }

  @Test
  void typo_rejectedWithoutBackendCall_evenOnColdRoom() {
    IssuedKey issued = keys(ApiKeyPolicy.defaults()).issue(request());
    FaultInjectingBackend coldBackend = FaultInjectingBackend.wrap(NonClosingBackend.of(shared));
    ApiKeys cold = room(coldBackend, ApiKeyPolicy.defaults()).apiKeys();
    char[] typo = issued.key().copyChars();
    typo[20] = typo[20] == 'x' ? 'y' : 'x';
    long before = coldBackend.storeCalls();

    Verification v = cold.verify(typo);

    assertEquals(Outcome.MALFORMED, v.outcome());
    assertTrue(v.keyId().isEmpty());
    assertEquals(before, coldBackend.storeCalls());
    assertEquals(Outcome.MALFORMED, cold.verify("not a key".toCharArray()).outcome());
    assertEquals(Outcome.MALFORMED, cold.verify(new char[500]).outcome());
    assertEquals(Outcome.MALFORMED, cold.verify(SecretValue.ofUtf8("sr_live_é")).outcome());
    assertEquals(before, coldBackend.storeCalls());
  }

  @Test
  void keyOfAnotherService_malformed() {
    IssuedKey issued = keys(ApiKeyPolicy.builder().service("acme").build()).issue(request());
    ApiKeys other = room(backend, ApiKeyPolicy.defaults()).apiKeys();
    assertTrue(issued.key().copyUtf8String().startsWith("acme_live_"));
    assertEquals(Outcome.MALFORMED, other.verify(issued.key()).outcome());
  }

  @Test
  void lastUsed_writtenAtMostOncePerInterval() {
    ApiKeys keys =
        keys(
            ApiKeyPolicy.builder()
                .lastUsedInterval(Duration.ofHours(1))
                .revocationBound(Duration.ofHours(2))
                .build());
    IssuedKey issued = keys.issue(request());
    char[] key = issued.key().copyChars();
    assertTrue(keys.describe(issued.id()).orElseThrow().lastUsed().isEmpty());

    keys.verify(key);
    java.time.Instant first = clock.instant();
    clock.advance(Duration.ofMinutes(30));
    long before = backend.storeCalls();
    keys.verify(key);
    assertEquals(before, backend.storeCalls());
    assertEquals(first, keys.describe(issued.id()).orElseThrow().lastUsed().orElseThrow());

    clock.advance(Duration.ofMinutes(31));
    keys.verify(key);
    assertEquals(
        clock.instant(), keys.describe(issued.id()).orElseThrow().lastUsed().orElseThrow());
  }

  @Test
  void lastUsed_writeFailure_doesNotFailVerification() {
    ApiKeys keys = keys(ApiKeyPolicy.builder().revocationBound(Duration.ofHours(1)).build());
    char[] key = keys.issue(request()).key().copyChars();
    backend.failing(true);
    assertTrue(keys.verify(key).valid());
  }

  @Test
  void coldLookup_backendDown_throwsAndAuditsError() {
    IssuedKey issued = keys(ApiKeyPolicy.defaults()).issue(request());
    FaultInjectingBackend other = FaultInjectingBackend.wrap(NonClosingBackend.of(shared));
    ApiKeys cold = room(other, ApiKeyPolicy.defaults()).apiKeys();
    cold.describe(issued.id()); // loads nothing into the verification cache
    other.failing(true);

    assertThrows(BackendUnavailableException.class, () -> cold.verify(issued.key()));
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    e.operation().equals("apikey.verify")
                        && e.outcome() == AuditEvent.Outcome.ERROR));
  }

  @Test
  void failedVerification_auditedWithReason_neverTheKey() {
    ApiKeys keys = keys(ApiKeyPolicy.defaults());
    IssuedKey issued = keys.issue(request());
    keys.revoke(issued.id());
    events.clear();

    keys.verify(issued.key());
    keys.verify("sr_live_nope".toCharArray(), "10.0.0.7");
    keys.verify("sr_live_nope".toCharArray(), "10.0.0.7");

    assertEquals(1, events.size(), "one in full per interval, the rest counted: " + events);
    AuditEvent revoked = events.get(0);
    assertEquals("apikeys/" + issued.id(), revoked.resource());
    assertEquals(AuditEvent.Outcome.DENIED, revoked.outcome());
    assertEquals("revoked", revoked.detail());
    clock.advance(ApiKeyPolicy.defaults().rejectionAuditInterval());
    keys.verify("sr_live_nope".toCharArray(), "10.0.0.8");
    assertEquals(3, events.size(), events.toString());
    assertEquals("apikeys", events.get(1).resource());
    assertTrue(
        events.get(1).detail().startsWith("suppressed rejections from ")
            && events.get(1).detail().endsWith(": malformed=2"),
        events.get(1).detail());
    assertEquals("malformed source=10.0.0.8", events.get(2).detail());
    String key = issued.key().copyUtf8String();
    assertFalse(events.toString().contains(key.substring(key.lastIndexOf('_'))));
  }

  @Test
  void changes_auditedAsIntentThenOk_refusedWhenAuditFails() {
    ApiKeys keys = keys(ApiKeyPolicy.defaults());
    IssuedKey issued = keys.issue(request());
    keys.revoke(issued.id());
    List<String> ops = events.stream().map(e -> e.operation() + " " + e.outcome()).toList();
    assertTrue(
        ops.contains("apikey.issue INTENT") && ops.contains("apikey.issue OK"), ops.toString());
    assertTrue(ops.contains("apikey.revoke INTENT") && ops.contains("apikey.revoke OK"));

    auditBroken.set(true);
    long before = backend.storeCalls();
    assertThrows(AccessDeniedException.class, () -> keys.issue(request()));
    assertEquals(before, backend.storeCalls());
  }

  @Test
  void rateLimit_afterBurstOfFailures_refusesEvenTheRightKey_thenRefills() {
    ApiKeys keys = keys(ApiKeyPolicy.builder().failureLimit(3, Duration.ofSeconds(10)).build());
    IssuedKey issued = keys.issue(request());
    char[] wrong = issued.key().copyChars();
    wrong[wrong.length - 8] = wrong[wrong.length - 8] == 'a' ? 'b' : 'a';
    dev.strongroom.testkit.ApiKeyContractAccess.fixChecksum(wrong);

    for (int i = 0; i < 3; i++) {
      assertEquals(Outcome.INVALID, keys.verify(wrong).outcome());
    }
    assertEquals(Outcome.RATE_LIMITED, keys.verify(wrong).outcome());
    assertEquals(Outcome.RATE_LIMITED, keys.verify(issued.key()).outcome());
    clock.advance(Duration.ofSeconds(10));
    assertTrue(keys.verify(issued.key()).valid());
  }

  @Test
  void rateLimit_perSource_malformedKeysCount() {
    ApiKeys keys = keys(ApiKeyPolicy.builder().failureLimit(2, Duration.ofMinutes(1)).build());
    IssuedKey issued = keys.issue(request());
    keys.verify("junk".toCharArray(), "1.2.3.4");
    keys.verify("junk".toCharArray(), "1.2.3.4");

    assertEquals(Outcome.RATE_LIMITED, keys.verify(issued.key().copyChars(), "1.2.3.4").outcome());
    assertTrue(keys.verify(issued.key().copyChars(), "5.6.7.8").valid());
  }

  @Test
  void issue_ttlBeyondPolicy_refused_defaultsApplied() {
    ApiKeys keys =
        keys(
            ApiKeyPolicy.builder()
                .defaultTtl(Duration.ofDays(7))
                .maxTtl(Duration.ofDays(30))
                .build());
    assertThrows(
        IllegalArgumentException.class,
        () -> keys.issue(IssueRequest.builder("live").maxTtl(Duration.ofDays(31)).build()));
    ApiKeyInfo info = keys.issue(IssueRequest.builder("live").build()).info();
    assertEquals(Duration.ofDays(7), info.ttl());
    assertEquals(info.created().plus(Duration.ofDays(30)), info.maxExpires());
    assertTrue(info.owner().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> IssueRequest.builder("Live_1"));
    assertThrows(IllegalArgumentException.class, () -> IssueRequest.builder("x").scopes("a b"));
    assertThrows(IllegalArgumentException.class, () -> keys.revoke("short"));
  }

  @Test
  void renew_notRenewable_refused() {
    ApiKeys keys = keys(ApiKeyPolicy.defaults());
    IssuedKey issued = keys.issue(IssueRequest.builder("live").renewable(false).build());
    assertThrows(IllegalStateException.class, () -> keys.renew(issued.id(), Duration.ofDays(1)));
  }

  @Test
  void roomsRacingForThePepper_agreeOnOne() throws Exception {
    ApiKeys a = room(backend, ApiKeyPolicy.defaults()).apiKeys();
    ApiKeys b = room(backend, ApiKeyPolicy.defaults()).apiKeys();
    Thread t = new Thread(() -> a.issue(request()));
    t.start();
    IssuedKey fromB = b.issue(request());
    t.join();
    assertTrue(a.verify(fromB.key()).valid());
  }

  @Test
  void isWellFormed_checksChecksumOnly() {
    IssuedKey issued = keys(ApiKeyPolicy.defaults()).issue(request());
    String key = issued.key().copyUtf8String();
    assertTrue(ApiKeys.isWellFormed(key));
    assertFalse(ApiKeys.isWellFormed(key.substring(0, key.length() - 1) + "!"));
    assertFalse(ApiKeys.isWellFormed(key.replace("sr_live_", "sr_livf_")));
  }
}
