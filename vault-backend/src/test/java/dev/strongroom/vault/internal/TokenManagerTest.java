package dev.strongroom.vault.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.testkit.FakeScheduler;
import dev.strongroom.testkit.TestClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the background token renewer on a fake clock and scheduler against a loopback stub of
 * Vault's token endpoints. Every step runs on the test thread when the fake scheduler reaches it:
 * no sleeps, no racing threads.
 */
class TokenManagerTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** nextDouble() == 0: no jitter. */
  private static final RandomGenerator NO_JITTER = () -> 0L;

  /** nextDouble() just under 1: the largest jitter. */
  private static final RandomGenerator MAX_JITTER = () -> -1L;

  private final TestClock clock = new TestClock(START);
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private final List<String> signals = new ArrayList<>();
  private final List<Integer> loginsAtSignal = new ArrayList<>();
  private StubTokenVault vault;
  private VaultHttp http;

  @AfterEach
  void tearDown() {
    if (vault != null) {
      vault.close();
    }
  }

  private TokenManager manager(Login login, Duration checkInterval, RandomGenerator random)
      throws IOException {
    if (vault == null) {
      vault = new StubTokenVault(clock);
    }
    http =
        new VaultHttp(
            new Transport(
                vault.address(),
                null,
                null,
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                1,
                Backoff.of(Duration.ofMillis(1), Duration.ofMillis(2)),
                clock,
                d -> {},
                1 << 20));
    TokenManager manager = new TokenManager(login, clock, checkInterval, random);
    http.useTokens(manager);
    manager.onReplaced(
        () -> {
          signals.add("reset@" + seconds());
          loginsAtSignal.add(vault.callsTo("auth/approle/login").size());
        });
    manager.onRetiring(() -> signals.add("retiring@" + seconds()));
    manager.start(scheduler, http);
    return manager;
  }

  private TokenManager appRole(Duration checkInterval, RandomGenerator random) throws IOException {
    return manager(
        Login.appRole("approle", SecretValue.ofUtf8("role"), SecretValue.ofUtf8("secret")),
        checkInterval,
        random);
  }

  private long seconds() {
    return Duration.between(START, clock.instant()).toSeconds();
  }

  private String token(TokenManager manager) {
    return manager.token(http).copyUtf8String();
  }

  @Test
  void renewal_atTwoThirdsOfTtl_withoutJitter() throws IOException {
    TokenManager manager = appRole(Duration.ofHours(1), NO_JITTER);
    token(manager); // first login at 0; TTL 60 s

    scheduler.advance(Duration.ofMillis(39_999));
    assertEquals(List.of(), vault.callsTo("auth/token/renew-self"));
    scheduler.advance(Duration.ofMillis(1));
    assertEquals(List.of("auth/token/renew-self@40"), vault.callsTo("auth/token/renew-self"));
    // The next one at 2/3 of the granted 60 s again: 80.
    scheduler.advance(Duration.ofSeconds(40));
    assertEquals(
        List.of("auth/token/renew-self@40", "auth/token/renew-self@80"),
        vault.callsTo("auth/token/renew-self"));
    assertEquals(List.of("auth/approle/login@0"), vault.callsTo("auth/approle/login"));
  }

  @Test
  void renewal_largestJitter_tenPercentOfTtlEarlier_neverLater() throws IOException {
    TokenManager manager = appRole(Duration.ofHours(1), MAX_JITTER);
    token(manager);
    Instant renewAt = manager.status().renewAt();

    // 60 s * (2/3 - 0.1) = 34 s (plus a hair because nextDouble() < 1): never sooner.
    assertFalse(renewAt.isBefore(START.plusSeconds(34)), renewAt.toString());
    assertTrue(renewAt.isBefore(START.plusMillis(34_001)), renewAt.toString());
    scheduler.advance(Duration.ofMillis(34_001));
    assertEquals(List.of("auth/token/renew-self@34"), vault.callsTo("auth/token/renew-self"));
  }

  @Test
  void renewal_jitterBounds_overManyLogins() throws IOException {
    RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
    TokenManager manager = appRole(Duration.ofHours(1), random);
    vault.maxTtl = Duration.ofDays(365);
    token(manager);
    for (int i = 0; i < 40; i++) {
      Instant now = clock.instant();
      Duration until = Duration.between(now, manager.status().renewAt());
      // [2/3 - 1/10, 2/3] of the granted 60 s: [34 s, 40 s].
      assertTrue(until.compareTo(Duration.ofSeconds(34)) >= 0, until.toString());
      assertTrue(until.compareTo(Duration.ofSeconds(40)) <= 0, until.toString());
      scheduler.advance(until);
    }
  }

  @Test
  void revokedOutOfBand_noticedWithinCheckInterval_signalsThenLogsInAgain() throws IOException {
    TokenManager manager = appRole(Duration.ofSeconds(5), NO_JITTER);
    String first = token(manager);
    scheduler.advance(Duration.ofSeconds(12));
    assertEquals(
        List.of("auth/token/lookup-self@5", "auth/token/lookup-self@10"),
        vault.callsTo("auth/token/lookup-self"));

    vault.revokeAll(); // out of band, at 12 s
    scheduler.advance(Duration.ofSeconds(3));

    assertEquals(List.of("reset@15"), signals); // within 5 s of the revoke
    assertEquals(
        List.of("auth/approle/login@0", "auth/approle/login@15"),
        vault.callsTo("auth/approle/login"));
    // The signal ran before the new login: leases are invalid from the moment the death is seen.
    assertEquals(List.of(1), loginsAtSignal);
    String second = token(manager);
    assertFalse(first.equals(second));
    assertTrue(vault.alive(second));
    // Checking goes on under the new token.
    scheduler.advance(Duration.ofSeconds(5));
    assertEquals("auth/token/lookup-self@20", vault.calls.get(vault.calls.size() - 1));
    assertEquals(List.of("reset@15"), signals);
  }

  @Test
  void revokedOutOfBand_defaultBound_atMost30s() throws IOException {
    TokenManager manager = appRole(TokenManager.DEFAULT_CHECK_INTERVAL, NO_JITTER);
    vault.ttl = Duration.ofHours(1);
    token(manager);
    scheduler.advance(Duration.ofSeconds(31));
    vault.revokeAll();

    scheduler.advance(Duration.ofSeconds(29));
    assertEquals(List.of("reset@60"), signals);
  }

  @Test
  void nearMaxTtl_renewalCapped_logsInAgainBeforeTheTokenDies() throws IOException {
    TokenManager manager = appRole(Duration.ofHours(1), NO_JITTER);
    vault.maxTtl = Duration.ofSeconds(100);
    String first = token(manager);

    scheduler.advance(Duration.ofSeconds(80)); // renewals at 40 (60 s) and 80 (capped: 20 s)
    assertEquals(
        List.of("auth/token/renew-self@40", "auth/token/renew-self@80"),
        vault.callsTo("auth/token/renew-self"));
    assertTrue(manager.status().reloginNext());
    assertEquals(START.plusSeconds(100), manager.status().expiresAt());

    scheduler.advance(Duration.ofSeconds(14)); // 80 + 2/3 * 20 = 93.3
    assertEquals(
        List.of("auth/approle/login@0", "auth/approle/login@93"),
        vault.callsTo("auth/approle/login"));
    assertTrue(vault.alive(first), "the old token is still valid when it is replaced");
    assertEquals(List.of("retiring@93"), signals); // not a reset: its leases are still valid
    assertFalse(token(manager).equals(first));
    assertFalse(manager.status().reloginNext());
  }

  @Test
  void plainToken_cappedAtMaxTtl_reportedAndKeptUntilItExpires() throws IOException {
    vault = new StubTokenVault(clock);
    vault.maxTtl = Duration.ofSeconds(100);
    String given = vault.mint();
    TokenManager manager =
        manager(Login.token(SecretValue.ofUtf8(given)), Duration.ofHours(1), NO_JITTER);
    token(manager); // lookup-self: TTL 60 s, renewable

    scheduler.advance(Duration.ofSeconds(80));
    TokenManager.Status status = manager.status();
    assertNull(status.renewAt(), "no renewal can extend it");
    assertEquals(START.plusSeconds(100), status.expiresAt());
    assertFalse(status.reloginNext());
    scheduler.advance(Duration.ofSeconds(1000));
    assertEquals(2, vault.callsTo("auth/token/renew-self").size());
    assertEquals(given, token(manager));
  }

  @Test
  void plainToken_revoked_reportedDead_signalled_noMoreChecks() throws IOException {
    vault = new StubTokenVault(clock);
    String given = vault.mint();
    TokenManager manager =
        manager(Login.token(SecretValue.ofUtf8(given)), Duration.ofSeconds(5), NO_JITTER);
    token(manager);
    vault.revokeAll();

    scheduler.advance(Duration.ofSeconds(5));

    assertTrue(manager.status().dead());
    assertEquals(List.of("reset@5"), signals);
    assertEquals(0, scheduler.pending());
    assertFalse(manager.relogin(http, manager.token(http)));
  }

  @Test
  void serverDown_checkFails_tokenKept_noSignal_checksGoOn() throws IOException {
    TokenManager manager = appRole(Duration.ofSeconds(5), NO_JITTER);
    String first = token(manager);
    vault.failStatus = 503;

    scheduler.advance(Duration.ofSeconds(15));
    assertEquals(3, vault.callsTo("auth/token/lookup-self").size());
    assertEquals(List.of(), signals);
    vault.failStatus = 0;
    scheduler.advance(Duration.ofSeconds(5));
    assertEquals(first, token(manager));
    assertEquals(1, vault.callsTo("auth/approle/login").size());
  }

  @Test
  void close_stopsTheBackgroundTask_andRevokesTheLoginToken() throws IOException {
    TokenManager manager = appRole(Duration.ofSeconds(5), NO_JITTER);
    String first = token(manager);

    manager.revokeOwnToken(http);

    assertEquals(0, scheduler.pending());
    assertFalse(vault.alive(first));
  }

  @Test
  void checkInterval_notPositive_refused() {
    Login login = Login.token(SecretValue.ofUtf8("x"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new TokenManager(login, clock, Duration.ZERO, NO_JITTER));
  }

  /** Canary: what the renewer logs names the method and mount, never the token. */
  @Test
  void logs_nameMethodAndMount_neverTheToken() throws IOException {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    String first;
    String second;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      TokenManager manager =
          manager(
              Login.appRole("approle", SecretValue.ofUtf8("role"), SecretValue.ofUtf8("secret")),
              Duration.ofSeconds(5),
              NO_JITTER);
      vault.maxTtl = Duration.ofSeconds(100);
      first = token(manager);
      vault.revokeAll();
      scheduler.advance(Duration.ofSeconds(5));
      second = token(manager);
      vault.failStatus = 503;
      scheduler.advance(Duration.ofSeconds(5));
    } finally {
      System.setErr(saved);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("vault approle login at mount approle"), log);
    assertTrue(log.contains("revoked or expired"), log);
    assertFalse(log.contains(StubTokenVault.CANARY), log);
    assertFalse(log.contains(first) || log.contains(second), log);
  }

  @Test
  void loginRefused_messageNamesMethodAndMount_neverTheSecret() throws IOException {
    vault = new StubTokenVault(clock);
    TokenManager manager =
        manager(
            Login.jwt("jwt-ci", "role", () -> SecretValue.ofUtf8(StubTokenVault.CANARY)),
            Duration.ofSeconds(5),
            NO_JITTER);
    AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> token(manager));
    assertTrue(e.getMessage().contains("jwt"), e.getMessage());
    assertTrue(e.getMessage().contains("jwt-ci"), e.getMessage());
    assertFalse(e.getMessage().contains(StubTokenVault.CANARY), e.getMessage());
  }
}
