package dev.strongroom.file.internal;

import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.exception.AccessDeniedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The store's audit log, {@code audit.jsonl}, shared by every process that opens the store: a
 * {@linkplain AuditSinks#jsonLines hash-chained JSON-lines sink} (each line forced to disk) whose
 * appends run under the store lock. A JSON-lines sink resumes the chain of the file as it found it,
 * so when another process has appended since this one last wrote (the file's size changed), the
 * sink is reopened, which verifies the file and resumes after the other process's lines. Two
 * processes therefore never fork the chain. Fail-closed like every sink: a file that does not
 * verify, or an append that fails, throws {@link AccessDeniedException}.
 *
 * <p>Thread-safe.
 */
public final class FileAuditSink implements AuditSink {
  private final Path file;
  private final StoreLock lock;
  private final SecretValue chainKey;
  private AuditSink sink; // guarded by this
  private long size = -1; // guarded by this
  private boolean closed; // guarded by this

  FileAuditSink(Path file, StoreLock lock, SecretValue chainKey) {
    this.file = file;
    this.lock = lock;
    this.chainKey = chainKey;
  }

  @Override
  public synchronized void record(AuditEvent event) {
    if (closed) {
      throw new IllegalStateException("expected an open audit sink but it was closed");
    }
    lock.run(
        () -> {
          long now = size();
          if (sink == null || now != size) {
            if (sink != null) {
              sink.close();
            }
            sink = AuditSinks.jsonLines(file, chainKey, true);
          }
          sink.record(event);
          size = size();
        });
  }

  private long size() {
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      return -1;
    } catch (IOException e) {
      throw new AccessDeniedException("could not read audit log " + file, e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (sink != null) {
        sink.close();
      }
    } finally {
      chainKey.wipe();
    }
  }

  @Override
  public String toString() {
    return "FileAuditSink[" + file + "]";
  }
}
