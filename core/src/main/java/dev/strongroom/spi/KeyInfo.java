package dev.strongroom.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a KEK looks like: its versions, which one is primary, and the lowest one that still
 * decrypts. Not secret. Immutable.
 *
 * @param name the key's name
 * @param versions the versions that exist and are not destroyed, ascending
 * @param primaryVersion the version new data keys are wrapped under
 * @param minDecryptionVersion the lowest version that still unwraps
 */
public record KeyInfo(
    String name, List<Integer> versions, int primaryVersion, int minDecryptionVersion) {
  /** Checks the fields and copies {@code versions}. */
  public KeyInfo {
    Objects.requireNonNull(name, "name");
    versions = List.copyOf(versions);
  }
}
