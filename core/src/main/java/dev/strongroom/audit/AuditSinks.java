package dev.strongroom.audit;

import dev.strongroom.SecretValue;
import java.nio.file.Path;

/**
 * Factories for the built-in {@link AuditSink}s.
 *
 * <p>Thread-safe (stateless); every sink it returns is thread-safe.
 */
public final class AuditSinks {
  private AuditSinks() {}

  /**
   * A sink that logs each event at INFO to the SLF4J logger {@code strongroom.audit}. Whether a
   * line reaches disk is up to the logging backend, so this sink never reports a failure; use
   * {@link #jsonLines} where the record must be durable.
   */
  public static AuditSink slf4j() {
    return new Slf4jSink();
  }

  /**
   * A sink that appends hash-chained JSON lines to {@code file} (created owner-only if missing),
   * with the chain's MACs under {@code chainKey} (at least 16 bytes; the sink keeps the key for its
   * life, the caller may wipe its own value). Each line is written with one append; it is not
   * forced to disk. An existing file is verified first and its chain resumed.
   *
   * @throws dev.strongroom.exception.AccessDeniedException if the file cannot be opened, or does
   *     not verify under the key
   */
  public static AuditSink jsonLines(Path file, SecretValue chainKey) {
    return JsonLinesSink.open(file, chainKey, false);
  }

  /**
   * As {@link #jsonLines(Path, SecretValue)}, and if {@code fsyncEachLine} each line is forced to
   * the storage device before {@link AuditSink#record} returns (durable across power loss, slower).
   */
  public static AuditSink jsonLines(Path file, SecretValue chainKey, boolean fsyncEachLine) {
    return JsonLinesSink.open(file, chainKey, fsyncEachLine);
  }
}
