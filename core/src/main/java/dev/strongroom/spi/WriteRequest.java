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
 * <p>The value model: a secret is a single value or a set of named fields. A multi-field secret
 * travels through the SPI as {@code value} holding the UTF-8 JSON object of its fields (every
 * member a string) with {@code fields} set, and a store keeps it in its backend's native shape (KV
 * v2 data fields, a JSON {@code SecretString}); reads return it as that JSON object again. A single
 * value ({@code fields} false) is stored as one value, whatever its bytes look like.
 *
 * @param name the secret's name
 * @param value the value, owned by the caller
 * @param stage the stage the new version gets
 * @param expectedVersion the check-and-set version
 * @param fields whether {@code value} is the JSON object of a multi-field secret
 */
public record WriteRequest(
    String name, SecretValue value, Stage stage, long expectedVersion, boolean fields) {
  /** No check-and-set. */
  public static final long ANY_VERSION = -1;

  /** A single-value write. */
  public WriteRequest(String name, SecretValue value, Stage stage, long expectedVersion) {
    this(name, value, stage, expectedVersion, false);
  }

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
