package dev.strongroom.spi;

import java.util.Optional;

/**
 * What a backend offers a room: a secret store, a key-encryption service, and optionally leases on
 * dynamic credentials. Opened by a {@link BackendProvider}; closed by the room that opened it.
 *
 * <p>Implementations must be thread-safe.
 */
public interface Backend extends AutoCloseable {

  /** The backend's secret store. */
  SecretStore secrets();

  /** The backend's key-encryption service. */
  KeyEncryptionService keys();

  /** Leases on dynamic credentials, if the backend issues them (Vault does; files do not). */
  default Optional<LeaseProvider> leases() {
    return Optional.empty();
  }

  /**
   * The identity the backend authenticated this client as, in the backend's own terms and prefixed
   * by its kind ({@code vault:entity/ID}, {@code vault:token-accessor/ACCESSOR}, {@code aws:ARN}),
   * or empty where there is none to prove (a file or memory store). The room records it as the
   * principal of its audit events. May ask the backend once; throws the backend's typed errors.
   */
  default Optional<String> identity() {
    return Optional.empty();
  }

  /** Releases the backend's resources. */
  @Override
  void close();
}
