package dev.strongroom.spi;

import java.util.List;
import java.util.Objects;

/**
 * What {@link SecretStore#destroy} destroys for good: some versions' values, or the whole secret
 * (every version and the name). Built with {@link #versions} or {@link #all}, so "destroy all" is
 * never spelled as an empty list. Immutable.
 */
public final class DestroyRequest {
  private final String name;
  private final List<Long> versions;

  private DestroyRequest(String name, List<Long> versions) {
    this.name = Objects.requireNonNull(name, "name");
    this.versions = versions;
  }

  /**
   * The values of {@code versions} of {@code name}; the secret and its other versions stay.
   *
   * @throws IllegalArgumentException if {@code versions} is empty or holds a number below 1
   */
  public static DestroyRequest versions(String name, List<Long> versions) {
    List<Long> copy = List.copyOf(Objects.requireNonNull(versions, "versions"));
    if (copy.isEmpty()) {
      throw new IllegalArgumentException(
          "expected at least one version to destroy (DestroyRequest.all destroys the secret)");
    }
    for (long v : copy) {
      if (v < 1) {
        throw new IllegalArgumentException("expected versions >= 1 but found " + v);
      }
    }
    return new DestroyRequest(name, copy);
  }

  /** Every version of {@code name} and the name itself. */
  public static DestroyRequest all(String name) {
    return new DestroyRequest(name, List.of());
  }

  /** The secret's name. */
  public String name() {
    return name;
  }

  /** Whether the whole secret goes (else only {@link #versions()}). */
  public boolean wholeSecret() {
    return versions.isEmpty();
  }

  /** The versions whose values go; empty when {@link #wholeSecret()}. */
  public List<Long> versions() {
    return versions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DestroyRequest r && r.name.equals(name) && r.versions.equals(versions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, versions);
  }

  @Override
  public String toString() {
    return "DestroyRequest[" + name + (wholeSecret() ? ", all]" : ", versions=" + versions + "]");
  }
}
