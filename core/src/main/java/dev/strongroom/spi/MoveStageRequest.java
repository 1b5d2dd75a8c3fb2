package dev.strongroom.spi;

import dev.strongroom.Stage;
import java.util.Objects;

/**
 * Moves a stage label of a secret to a version ({@link SecretStore#moveStage}). Immutable.
 *
 * @param name the secret's name
 * @param stage the label to move
 * @param version the version it moves to, from 1
 * @param expectedCurrent the version the caller believes is CURRENT (the move fails with a conflict
 *     if it is not), or 0 to skip that check
 */
public record MoveStageRequest(String name, Stage stage, long version, long expectedCurrent) {
  /** Checks the fields. */
  public MoveStageRequest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(stage, "stage");
    if (version < 1) {
      throw new IllegalArgumentException("expected a version >= 1 but was " + version);
    }
    if (expectedCurrent < 0) {
      throw new IllegalArgumentException(
          "expected an expected current version >= 0 but was " + expectedCurrent);
    }
  }

  /** Moves {@code stage} of {@code name} to {@code version}, whatever is CURRENT. */
  public static MoveStageRequest of(String name, Stage stage, long version) {
    return new MoveStageRequest(name, stage, version, 0);
  }
}
