package dev.strongroom.audit;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.util.Optional;

/** A checkpoint kept as a secret of a backend's store. Thread-safe if the store is. */
final class BackendCheckpointStore implements AuditCheckpointStore {
  private final SecretStore store;
  private final String name;

  BackendCheckpointStore(SecretStore store, String name) {
    this.store = store;
    this.name = name;
  }

  @Override
  public Optional<AuditCheckpoint> read() {
    Optional<StoredSecret> stored = store.read(ReadRequest.current(name));
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    try (SecretValue value = stored.get().value()) {
      return Optional.of(AuditCheckpoint.decode(value.copyUtf8String()));
    } catch (IllegalArgumentException e) {
      throw new StrongroomException("the audit checkpoint in " + describe() + " is malformed", e);
    }
  }

  @Override
  public void write(AuditCheckpoint checkpoint) {
    try (SecretValue value = SecretValue.ofUtf8(checkpoint.encode())) {
      store.write(new WriteRequest(name, value, Stage.CURRENT, WriteRequest.ANY_VERSION));
    }
  }

  @Override
  public String describe() {
    return "backend " + store.getClass().getSimpleName() + " secret " + name;
  }

  @Override
  public String toString() {
    return "AuditCheckpointStore[" + describe() + "]";
  }
}
