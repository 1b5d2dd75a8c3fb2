package dev.strongroom.vault.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach a Vault server: address, optional namespace and CA file, deadlines, retries and the
 * clock. Not secret. Immutable.
 *
 * @param address the server's base URI ({@code https://host:8200})
 * @param namespace the Vault namespace sent as {@code X-Vault-Namespace}, or null
 * @param caFile a PEM CA bundle to trust instead of the JDK's, or null
 * @param requestTimeout the deadline of one HTTP exchange
 * @param deadline the deadline of a call including its retries
 * @param maxAttempts attempts per call (1 = no retries)
 * @param backoff the wait between attempts
 * @param clock the clock for deadlines and token expiry
 * @param sleeper how to wait between attempts
 * @param maxResponseBytes the largest response body read; a longer one fails the call
 */
public record Transport(
    URI address,
    String namespace,
    Path caFile,
    Duration requestTimeout,
    Duration deadline,
    int maxAttempts,
    Backoff backoff,
    Clock clock,
    Sleeper sleeper,
    long maxResponseBytes) {

  /** Checks the fields. */
  public Transport {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException(
          "expected maxResponseBytes >= 1 but was " + maxResponseBytes);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("expected maxAttempts >= 1 but was " + maxAttempts);
    }
  }

  /** Waits between attempts; tests replace it so that they never sleep. */
  @FunctionalInterface
  public interface Sleeper {
    /** Waits for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;

    /** {@link Thread#sleep}. */
    static Sleeper threadSleep() {
      return d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    }
  }
}
