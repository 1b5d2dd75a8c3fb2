package dev.strongroom.audit;

import dev.strongroom.spi.SecretStore;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Factories for the built-in {@link AuditCheckpointStore}s.
 *
 * <p>Thread-safe (stateless); every store it returns is thread-safe.
 */
public final class AuditCheckpointStores {
  /** The reserved name under which a backend mirror keeps the checkpoint. */
  public static final String BACKEND_NAME = ".strongroom/audit/checkpoint";

  private AuditCheckpointStores() {}

  /**
   * A checkpoint file: two 512-byte slots written alternately in place (so a torn write spoils at
   * most the newer slot), created owner-only, never followed if it is a symbolic link. Each write
   * is forced to the storage device.
   */
  public static AuditCheckpointStore file(Path file) {
    return new CheckpointFile(Objects.requireNonNull(file, "file"), true);
  }

  /**
   * A mirror in a backend's secret store under {@value #BACKEND_NAME}; each write is a new version
   * of that secret. A room reserves the {@code .strongroom/} prefix, so its generic secret API
   * cannot reach it.
   */
  public static AuditCheckpointStore backend(SecretStore store) {
    return backend(store, BACKEND_NAME);
  }

  /** As {@link #backend(SecretStore)}, under {@code name} (one name per audit log). */
  public static AuditCheckpointStore backend(SecretStore store, String name) {
    return new BackendCheckpointStore(
        Objects.requireNonNull(store, "store"), Objects.requireNonNull(name, "name"));
  }
}
