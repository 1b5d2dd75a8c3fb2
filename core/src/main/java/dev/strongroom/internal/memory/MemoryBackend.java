package dev.strongroom.internal.memory;

import dev.strongroom.kek.LocalKeyring;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.SecretStore;
import java.time.Clock;

/**
 * A backend held in memory: a {@link MemorySecretStore} and an in-memory {@link LocalKeyring} that
 * starts with the key {@code default} (as {@code strongroom init} makes one for a file store: a
 * room never creates a key implicitly). Everything is lost when the process ends.
 *
 * <p>Thread-safe.
 */
public final class MemoryBackend implements Backend {
  private final MemorySecretStore secrets;
  private final LocalKeyring keys;

  private MemoryBackend(Clock clock) {
    this.secrets = MemorySecretStore.create(clock);
    this.keys = LocalKeyring.inMemory();
    keys.createKey(DEFAULT_KEY);
  }

  /** The key a new memory backend has. */
  public static final String DEFAULT_KEY = "default";

  /**
   * A backend with no secrets and the key {@code default}, whose version timestamps come from
   * {@code clock}.
   */
  public static MemoryBackend create(Clock clock) {
    return new MemoryBackend(clock);
  }

  @Override
  public SecretStore secrets() {
    return secrets;
  }

  @Override
  public KeyEncryptionService keys() {
    return keys;
  }

  @Override
  public void close() {
    secrets.close();
  }

  @Override
  public String toString() {
    return "MemoryBackend";
  }
}
