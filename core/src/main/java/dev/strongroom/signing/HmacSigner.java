package dev.strongroom.signing;

import dev.strongroom.SecretRef;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretVersion;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Signs messages with the CURRENT version of a signing secret (HMAC, as webhooks are signed) and
 * verifies signatures against CURRENT and, for an overlap window after a rotation, PREVIOUS: a
 * client or a peer instance that still signs with the old key keeps working until the window
 * closes, so rotating the key breaks no one, and a leaked old key stops working when it does.
 *
 * <pre>{@code
 * HmacSigner signer = HmacSigner.of(room, "webhooks/signing", Duration.ofHours(24));
 * if (signer.verify(body, signature) == HmacSigner.Match.NONE) { reject(); }
 * }</pre>
 *
 * <p>CURRENT is the value the room serves (its cache, refreshed as configured); PREVIOUS and the
 * time CURRENT was written are read from the backend once per change of CURRENT. A signature that
 * matches nothing makes the signer re-read the backend, at most once a second, and accept a CURRENT
 * newer than the room's cache (another instance rotated and already signs with it). The window runs
 * from the moment the backend wrote CURRENT. Comparisons are constant-time, and every accepted key
 * is tried on every call, so timing tells nothing about which key matched.
 *
 * <p>Thread-safe. Key material is held only as {@link SecretValue} copies, replaced and wiped when
 * CURRENT changes; it never appears in a {@code toString()} or exception message.
 */
public final class HmacSigner {

  /** Which version of the signing secret a signature matched. */
  public enum Match {
    /** The CURRENT version. */
    CURRENT,
    /** The PREVIOUS version, within the overlap window. */
    PREVIOUS,
    /** Neither: the signature is invalid (or made with a key outside the window). */
    NONE;

    /** Whether the signature was accepted. */
    public boolean valid() {
      return this != NONE;
    }
  }

  /** How often at most a signature that matches nothing makes the signer ask the backend again. */
  static final Duration RECHECK = Duration.ofSeconds(1);

  private static final List<String> ALGORITHMS = List.of("HmacSHA256", "HmacSHA384", "HmacSHA512");

  private final Strongroom room;
  private final String name;
  private final String algorithm;
  private final Duration overlap;
  private final Clock clock;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private @Nullable State state; // guarded by lock
  private @Nullable Instant lastRecheck; // guarded by this

  private HmacSigner(
      Strongroom room, String name, String algorithm, Duration overlap, Clock clock) {
    this.room = room;
    this.name = name;
    this.algorithm = algorithm;
    this.overlap = overlap;
    this.clock = clock;
  }

  /**
   * HMAC-SHA256 over secret {@code name} of {@code room}, PREVIOUS accepted for {@code overlap}.
   */
  public static HmacSigner of(Strongroom room, String name, Duration overlap) {
    return of(room, name, "HmacSHA256", overlap, Clock.systemUTC());
  }

  /**
   * As {@link #of(Strongroom, String, Duration)} with {@code algorithm} ({@code HmacSHA256}, {@code
   * HmacSHA384} or {@code HmacSHA512}) and the clock that closes the window.
   */
  public static HmacSigner of(
      Strongroom room, String name, String algorithm, Duration overlap, Clock clock) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(overlap, "overlap");
    Objects.requireNonNull(clock, "clock");
    if (!ALGORITHMS.contains(algorithm)) {
      throw new IllegalArgumentException(
          "expected an algorithm in " + ALGORITHMS + " but was " + algorithm);
    }
    if (overlap.isNegative()) {
      throw new IllegalArgumentException("expected an overlap >= 0 but was " + overlap);
    }
    return new HmacSigner(room, name, algorithm, overlap, clock);
  }

  /** The HMAC of {@code message} under CURRENT. */
  public byte[] sign(byte[] message) {
    Objects.requireNonNull(message, "message");
    try (SecretValue current = room.secret(name)) {
      return mac(current, message);
    }
  }

  /**
   * Which accepted version {@code signature} over {@code message} matches: CURRENT, PREVIOUS (only
   * while the window since CURRENT was written is open) or NONE.
   */
  public Match verify(byte[] message, byte[] signature) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(signature, "signature");
    try (SecretValue served = room.secret(name)) {
      Match match = match(served, message, signature, false);
      if (match != Match.NONE || !recheckDue()) {
        return match;
      }
      // Perhaps signed with a version newer than the room's cache: ask the backend, at most once
      // per RECHECK whatever the traffic, so invalid signatures cannot flood the backend.
      return match(served, message, signature, true);
    }
  }

  private Match match(SecretValue served, byte[] message, byte[] signature, boolean force) {
    boolean forced = force;
    while (true) {
      lock.readLock().lock();
      try {
        if (!forced && state != null && state.current.equalsSecret(served)) {
          return match(state, message, signature);
        }
      } finally {
        lock.readLock().unlock();
      }
      reload(served, forced);
      forced = false;
    }
  }

  private synchronized boolean recheckDue() {
    Instant now = clock.instant();
    if (lastRecheck != null && now.isBefore(lastRecheck.plus(RECHECK))) {
      return false;
    }
    lastRecheck = now;
    return true;
  }

  private Match match(State s, byte[] message, byte[] signature) {
    boolean current = MessageDigest.isEqual(mac(s.current, message), signature);
    boolean newer = s.newer != null && MessageDigest.isEqual(mac(s.newer, message), signature);
    // Computed whether or not the window is open, so timing does not depend on it.
    boolean previous =
        s.previous != null && MessageDigest.isEqual(mac(s.previous, message), signature);
    boolean open = s.previous != null && clock.instant().isBefore(s.previousUntil);
    if (current || newer) {
      return Match.CURRENT;
    }
    return previous && open ? Match.PREVIOUS : Match.NONE;
  }

  /**
   * Replaces the state for a new CURRENT {@code served} (or, if {@code force}, re-reads it); the
   * old state's copies are wiped.
   */
  private void reload(SecretValue served, boolean force) {
    lock.writeLock().lock();
    try {
      if (force || state == null || !state.current.equalsSecret(served)) {
        State fresh = load(served.apply(SecretValue::of));
        if (state != null) {
          state.wipe();
        }
        state = fresh;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private State load(SecretValue served) {
    try {
      return loadVersions(served);
    } catch (RuntimeException e) {
      served.wipe();
      throw e;
    }
  }

  private State loadVersions(SecretValue served) {
    SecretMetadata metadata = room.metadata(name);
    SecretVersion current = metadata.withStage(Stage.CURRENT).orElse(null);
    SecretValue newer = null;
    if (current != null) {
      SecretValue stored = room.secret(SecretRef.ofVersion(name, current.version()));
      if (stored.equalsSecret(served)) {
        stored.wipe();
      } else {
        newer = stored; // the backend is ahead of the room's cache: accept both
      }
    }
    SecretValue previous = null;
    try {
      previous = room.secret(SecretRef.ofStage(name, Stage.PREVIOUS));
    } catch (NotFoundException e) {
      // no PREVIOUS: nothing to accept beside CURRENT
    }
    Instant until = current == null ? Instant.MIN : current.created().plus(overlap);
    return new State(served, newer, previous, until);
  }

  private byte[] mac(SecretValue key, byte[] message) {
    return key.apply(
        bytes -> {
          if (bytes.length == 0) {
            throw new IllegalStateException(
                "expected a non-empty signing secret but '" + name + "' is empty");
          }
          try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(bytes, algorithm));
            return mac.doFinal(message);
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is unavailable in this JDK", e);
          }
        });
  }

  @Override
  public String toString() {
    return "HmacSigner[" + name + ", " + algorithm.toLowerCase(Locale.ROOT) + ", " + overlap + "]";
  }

  private record State(
      SecretValue current,
      @Nullable SecretValue newer,
      @Nullable SecretValue previous,
      Instant previousUntil) {
    void wipe() {
      current.wipe();
      if (newer != null) {
        newer.wipe();
      }
      if (previous != null) {
        previous.wipe();
      }
    }
  }
}
