package dev.strongroom;

import dev.strongroom.exception.NotFoundException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Rotates a secret whose system accepts two credentials at once (API tokens with a primary and a
 * secondary slot, AWS access keys, database users with two passwords), so that rotating never
 * leaves an instance holding a refused credential. A rotation first revokes the credential that is
 * PREVIOUS (it has had a whole rotation period for every instance to move off it), then issues a
 * new one beside the CURRENT one, verifies it, and the room promotes it; the credential that was
 * CURRENT becomes PREVIOUS and stays valid until the next rotation. So at most two credentials are
 * ever valid, and the one an instance that has not refreshed yet still holds is one of them.
 *
 * <pre>{@code
 * room.rotate("payments/token", DualCredentialRotator.of(room, "payments/token", tokens));
 * }</pre>
 *
 * <p>If the new credential fails verification it is revoked at once and CURRENT is untouched. If
 * revoking PREVIOUS fails, the rotation fails before anything is issued. Thread-safe if {@code
 * credentials} is; one rotation of a secret at a time is the room's business.
 */
public final class DualCredentialRotator implements SecretRotator {

  /**
   * The system the credentials are valid in. Implementations never log the values they are given.
   */
  public interface Credentials {
    /** Issues a new credential, valid beside {@code current}; the caller owns the result. */
    SecretValue issue(SecretValue current);

    /** Makes {@code credential} invalid; succeeds if it is already invalid. */
    void revoke(SecretValue credential);

    /** Whether {@code credential} works; the default trusts it. */
    default boolean verify(SecretValue credential) {
      return true;
    }
  }

  private final Strongroom room;
  private final String name;
  private final Credentials credentials;

  private DualCredentialRotator(Strongroom room, String name, Credentials credentials) {
    this.room = room;
    this.name = name;
    this.credentials = credentials;
  }

  /**
   * A rotator for secret {@code name} of {@code room} (the room it is rotated in, which must be
   * allowed to read the secret's PREVIOUS version).
   */
  public static DualCredentialRotator of(Strongroom room, String name, Credentials credentials) {
    return new DualCredentialRotator(
        Objects.requireNonNull(room, "room"),
        Objects.requireNonNull(name, "name"),
        Objects.requireNonNull(credentials, "credentials"));
  }

  @Override
  public SecretValue generate(SecretValue current) {
    try (SecretValue previous = previous()) {
      if (previous != null && !previous.equalsSecret(current)) {
        credentials.revoke(previous);
      }
    }
    return credentials.issue(current);
  }

  @Override
  public boolean verify(SecretValue pending) {
    if (credentials.verify(pending)) {
      return true;
    }
    credentials.revoke(pending); // never promoted: it must not stay valid as a third credential
    return false;
  }

  private @Nullable SecretValue previous() {
    try {
      return room.secret(SecretRef.ofStage(name, Stage.PREVIOUS));
    } catch (NotFoundException e) {
      return null; // the first rotation: nothing before CURRENT
    }
  }

  @Override
  public String toString() {
    return "DualCredentialRotator[" + name + "]";
  }
}
