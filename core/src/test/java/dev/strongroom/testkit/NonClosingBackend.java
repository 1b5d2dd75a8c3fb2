package dev.strongroom.testkit;

import dev.strongroom.spi.Backend;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.SecretStore;
import java.util.Optional;

/**
 * A backend that passes every call to a shared one but whose {@link #close()} does nothing, so that
 * several rooms (each of which closes its backend) can share one in-memory backend, as processes
 * share a server. Thread-safe if the delegate is.
 */
public final class NonClosingBackend implements Backend {
  private final Backend delegate;

  private NonClosingBackend(Backend delegate) {
    this.delegate = delegate;
  }

  /** A view of {@code delegate} that closing leaves open. */
  public static NonClosingBackend of(Backend delegate) {
    return new NonClosingBackend(delegate);
  }

  @Override
  public SecretStore secrets() {
    return delegate.secrets();
  }

  @Override
  public KeyEncryptionService keys() {
    return delegate.keys();
  }

  @Override
  public Optional<LeaseProvider> leases() {
    return delegate.leases();
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "NonClosing[" + delegate + "]";
  }
}
