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
   * A sink that appends hash-chained JSON lines to {@code file} with {@link
   * JsonLinesOptions#defaults()}: the high-rate operations (reads, API-key verifications, envelope
   * messages) aggregated per second, everything else on its own line before {@link
   * AuditSink#record} returns, each commit forced to disk, the chain's head checkpointed in {@code
   * <file>.checkpoint}. See {@link #jsonLines(Path, SecretValue, JsonLinesOptions)}.
   *
   * @throws dev.strongroom.exception.AccessDeniedException if the file cannot be opened, or does
   *     not verify against its checkpoint under the key
   */
  public static AuditSink jsonLines(Path file, SecretValue chainKey) {
    return JsonLinesSink.open(file, chainKey, JsonLinesOptions.defaults());
  }

  /**
   * Every event on its own line, written before {@link AuditSink#record} returns, and if {@code
   * fsyncEachLine} forced to the storage device (with its checkpoint) first.
   */
  public static AuditSink jsonLines(Path file, SecretValue chainKey, boolean fsyncEachLine) {
    return JsonLinesSink.open(file, chainKey, JsonLinesOptions.everyEvent(fsyncEachLine));
  }

  /**
   * A sink that appends hash-chained JSON lines to {@code file} (created owner-only if missing;
   * refused if it, or the checkpoint, is a symbolic link), with the chain's MACs under {@code
   * chainKey} (at least 16 bytes, a key of its own: whoever holds it can rewrite the log; the sink
   * keeps it for its life, the caller may wipe its own value). An existing log is verified first
   * against its checkpoint(s): a log that does not verify, or lost lines a checkpoint records, is
   * refused; a torn final line (a crash mid-append) is cut off and the repair recorded. The chain
   * continues across roll-over. Fail-closed as {@link JsonLinesOptions} and docs/AUDIT.md say.
   *
   * @throws dev.strongroom.exception.AccessDeniedException if the file cannot be opened, or does
   *     not verify against its checkpoints under the key
   */
  public static AuditSink jsonLines(Path file, SecretValue chainKey, JsonLinesOptions options) {
    return JsonLinesSink.open(file, chainKey, options);
  }
}
