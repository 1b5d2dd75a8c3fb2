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

  /** Releases the backend's resources. */
  @Override
  void close();
}
