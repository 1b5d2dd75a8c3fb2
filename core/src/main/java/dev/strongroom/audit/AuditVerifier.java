package dev.strongroom.audit;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Checks a JSON-lines audit file written by {@link AuditSinks#jsonLines}: every line's MAC (in
 * constant time), its sequence number and its link to the line before. Detects an edited, forged,
 * inserted, deleted, moved or cut-short line, and a wrong key. Lines dropped from the end leave a
 * valid shorter chain: compare {@link AuditVerification#lineCount()} with a count kept elsewhere.
 *
 * <p>Thread-safe (stateless).
 */
public final class AuditVerifier {
  private AuditVerifier() {}

  /**
   * Verifies {@code file} under {@code chainKey}.
   *
   * @throws NotFoundException if the file does not exist
   * @throws StrongroomException if it cannot be read
   */
  public static AuditVerification verify(Path file, SecretValue chainKey) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(chainKey, "chainKey");
    try {
      return AuditChain.create(chainKey).scan(file).result();
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no audit log at " + file, e);
    } catch (IOException e) {
      throw new StrongroomException("could not read audit log " + file, e);
    }
  }
}
