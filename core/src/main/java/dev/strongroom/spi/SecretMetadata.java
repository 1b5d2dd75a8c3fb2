package dev.strongroom.spi;

import dev.strongroom.Stage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A secret's versions and stages: never its values. Immutable.
 *
 * @param name the secret's name
 * @param versions every version, ascending
 * @param deleted whether the secret is soft-deleted
 */
public record SecretMetadata(String name, List<SecretVersion> versions, boolean deleted) {
  /** Checks the fields and copies {@code versions}. */
  public SecretMetadata {
    Objects.requireNonNull(name, "name");
    versions = List.copyOf(versions);
  }

  /** The latest version number, or 0 if there is none. */
  public long latestVersion() {
    return versions.isEmpty() ? 0 : versions.get(versions.size() - 1).version();
  }

  /** The version labelled {@code stage}, if any. */
  public Optional<SecretVersion> withStage(Stage stage) {
    return versions.stream().filter(v -> v.stages().contains(stage)).findFirst();
  }
}
