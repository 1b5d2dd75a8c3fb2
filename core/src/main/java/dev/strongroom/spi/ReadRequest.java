package dev.strongroom.spi;

import dev.strongroom.Stage;
import java.util.Objects;

/**
 * Which version of a secret to read: a version number, or a stage ({@link Stage#CURRENT} by
 * default). Immutable.
 *
 * @param name the secret's name
 * @param version a version number from 1, or 0 to select by stage
 * @param stage the stage to read when {@code version} is 0
 */
public record ReadRequest(String name, long version, Stage stage) {
  /** Checks the fields. */
  public ReadRequest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(stage, "stage");
    if (version < 0) {
      throw new IllegalArgumentException("expected a version >= 0 but was " + version);
    }
  }

  /** The current version of {@code name}. */
  public static ReadRequest current(String name) {
    return new ReadRequest(name, 0, Stage.CURRENT);
  }

  /** The version of {@code name} labelled {@code stage}. */
  public static ReadRequest stage(String name, Stage stage) {
    return new ReadRequest(name, 0, stage);
  }

  /** Version {@code version} of {@code name}. */
  public static ReadRequest version(String name, long version) {
    if (version < 1) {
      throw new IllegalArgumentException("expected a version >= 1 but was " + version);
    }
    return new ReadRequest(name, version, Stage.CURRENT);
  }
}
