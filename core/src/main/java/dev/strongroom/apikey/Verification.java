package dev.strongroom.apikey;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The result of {@link ApiKeys#verify}: valid with the key's metadata, or rejected with a reason.
 * Never holds the presented key. Reasons other than {@link Outcome#MALFORMED} and {@link
 * Outcome#INVALID} are only given once the presented key matched the stored hash, so they reveal
 * nothing to someone guessing.
 *
 * <p>Immutable and thread-safe.
 */
public final class Verification {
  /** How a verification ended. */
  public enum Outcome {
    /** The key is genuine and active. */
    VALID,
    /** Not in the key format, wrong service prefix, or a bad checksum: no lookup was made. */
    MALFORMED,
    /**
     * Well-formed but unknown (its id carries no valid tag, or no record has it), its secret part
     * does not match, or its stored record failed its integrity check (audited as tampered).
     */
    INVALID,
    /** Genuine but past its expiry. */
    EXPIRED,
    /** Genuine but revoked. */
    REVOKED,
    /**
     * Refused without checking: too many recent failures for this key id or source (when the policy
     * has a failure limit), or, room-wide, too many recent backend lookups of key ids that turned
     * out unknown ({@link ApiKeyPolicy.Builder#unknownLookupLimit}).
     */
    RATE_LIMITED
  }

  private final Outcome outcome;
  private final @Nullable String keyId;
  private final @Nullable ApiKeyInfo info;

  private Verification(Outcome outcome, @Nullable String keyId, @Nullable ApiKeyInfo info) {
    this.outcome = outcome;
    this.keyId = keyId;
    this.info = info;
  }

  /** A successful verification of the key {@code info} describes. */
  public static Verification valid(ApiKeyInfo info) {
    Objects.requireNonNull(info, "info");
    return new Verification(Outcome.VALID, info.id(), info);
  }

  /**
   * A rejection.
   *
   * @param keyId the id the presented key claimed, or null if it was malformed
   */
  public static Verification rejected(Outcome outcome, String keyId) {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome == Outcome.VALID) {
      throw new IllegalArgumentException("expected a rejection outcome but was VALID");
    }
    return new Verification(outcome, keyId, null);
  }

  /** Whether the key is genuine and active. */
  public boolean valid() {
    return outcome == Outcome.VALID;
  }

  /** How it ended. */
  public Outcome outcome() {
    return outcome;
  }

  /** The key's metadata, present only if {@link #valid()}. */
  public Optional<ApiKeyInfo> key() {
    return Optional.ofNullable(info);
  }

  /** The id the presented key claimed (not proof of anything unless valid); empty if malformed. */
  public Optional<String> keyId() {
    return Optional.ofNullable(keyId);
  }

  /** Whether the key is valid and grants {@code scope}. */
  public boolean hasScope(String scope) {
    return info != null && info.hasScope(scope);
  }

  @Override
  public String toString() {
    return "Verification[" + outcome + (keyId == null ? "" : ", keyId=" + keyId) + "]";
  }
}
