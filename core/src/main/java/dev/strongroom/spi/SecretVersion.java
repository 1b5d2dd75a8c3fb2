package dev.strongroom.spi;

import dev.strongroom.Stage;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Metadata of one version of a secret: never its value. Immutable.
 *
 * @param name the secret's name
 * @param version the version number, from 1
 * @param created when it was written
 * @param stages the stages it carries
 * @param destroyed whether its value was destroyed for good
 */
public record SecretVersion(
    String name, long version, Instant created, Set<Stage> stages, boolean destroyed) {
  /** Checks the fields and copies {@code stages}. */
  public SecretVersion {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    stages = Set.copyOf(stages);
  }
}
