package dev.strongroom.spi;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import java.util.Objects;

/**
 * A new version of a secret. With {@code stage} {@link Stage#CURRENT} the new version becomes
 * current and the old current becomes {@link Stage#PREVIOUS}; with {@link Stage#PENDING} it is
 * written beside the current one, which stays in use. Check-and-set: {@code expectedVersion} is the
 * latest version the caller saw (0: the secret must not exist yet; {@link #ANY_VERSION}: no check);
 * a mismatch fails with {@link dev.strongroom.exception.ConflictException}. Immutable; {@code
 * toString} never shows the value.
 *
 * @param name the secret's name
 * @param value the value, owned by the caller
 * @param stage the stage the new version gets
 * @param expectedVersion the check-and-set version
 */
public record WriteRequest(String name, SecretValue value, Stage stage, long expectedVersion) {
  /** No check-and-set. */
  public static final long ANY_VERSION = -1;

  /** Checks the fields. */
  public WriteRequest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(stage, "stage");
    if (stage == Stage.PREVIOUS) {
      throw new IllegalArgumentException("expected CURRENT or PENDING but was PREVIOUS");
    }
    if (expectedVersion < ANY_VERSION) {
      throw new IllegalArgumentException("expected a version >= -1 but was " + expectedVersion);
    }
  }
}
