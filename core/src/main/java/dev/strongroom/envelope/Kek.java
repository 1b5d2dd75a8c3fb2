package dev.strongroom.envelope;

import dev.strongroom.spi.KeyEncryptionService;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A named key-encryption key in a {@link KeyEncryptionService}: the pair an {@link Envelope} wraps
 * its data keys with. Not secret. Immutable and thread-safe.
 */
public final class Kek {
  private final KeyEncryptionService service;
  private final String name;
  private final String ref;

  private Kek(KeyEncryptionService service, String name) {
    this.service = Objects.requireNonNull(service, "service");
    this.name = Objects.requireNonNull(name, "name");
    this.ref = Objects.requireNonNull(service.keyRef(name), "keyRef");
    int refBytes = ref.getBytes(StandardCharsets.UTF_8).length;
    if (refBytes == 0 || refBytes > 255) {
      throw new IllegalArgumentException(
          "expected a key reference of 1 to 255 bytes but was " + refBytes);
    }
  }

  /** The key named {@code name} in {@code service}. */
  public static Kek of(KeyEncryptionService service, String name) {
    return new Kek(service, name);
  }

  /** The service holding the key. */
  public KeyEncryptionService service() {
    return service;
  }

  /** The key's name within its service. */
  public String name() {
    return name;
  }

  /** The reference written into ciphertext headers. */
  public String ref() {
    return ref;
  }

  @Override
  public String toString() {
    return "Kek[" + ref + "]";
  }
}
