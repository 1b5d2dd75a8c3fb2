package dev.strongroom.aws;

import dev.strongroom.spi.Backend;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.testkit.CountingKeyService;

/**
 * A backend whose key service counts the data-key calls (GenerateDataKey, Encrypt, Decrypt,
 * ReEncrypt) a room makes to the wrapped AWS backend. Thread-safe; for tests.
 */
final class CountingBackend implements Backend {
  private final Backend delegate;
  private final CountingKeyService keys;

  CountingBackend(Backend delegate) {
    this.delegate = delegate;
    this.keys = new CountingKeyService(delegate.keys());
  }

  /** The counters. */
  CountingKeyService counters() {
    return keys;
  }

  @Override
  public SecretStore secrets() {
    return delegate.secrets();
  }

  @Override
  public KeyEncryptionService keys() {
    return keys;
  }

  @Override
  public void close() {
    delegate.close();
  }
}
