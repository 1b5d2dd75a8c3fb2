package dev.strongroom.audit;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.AccessDeniedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * The hash-chained JSON-lines sink (format in {@link AuditChain}). Appends one line per event with
 * a single write, optionally forcing it to disk, and resumes the chain of an existing file after
 * verifying it. Thread-safe: {@link #record} is serialized.
 */
final class JsonLinesSink implements AuditSink {
  private final Path file;
  private final AuditChain chain;
  private final boolean fsync;
  private FileChannel channel; // guarded by this; null once closed
  private long seq; // guarded by this
  private String prev; // guarded by this

  private JsonLinesSink(
      Path file, AuditChain chain, boolean fsync, FileChannel channel, long seq, String prev) {
    this.file = file;
    this.chain = chain;
    this.fsync = fsync;
    this.channel = channel;
    this.seq = seq;
    this.prev = prev;
  }

  static JsonLinesSink open(Path file, SecretValue key, boolean fsync) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(key, "key");
    AuditChain chain = AuditChain.create(key);
    try {
      createOwnerOnly(file);
      AuditChain.Tail tail = chain.scan(file);
      if (!tail.result().ok()) {
        throw new AccessDeniedException(
            "refusing to append to audit log "
                + file
                + ": line "
                + tail.result().firstBadLine()
                + " does not verify ("
                + tail.result().reason()
                + ")");
      }
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      return new JsonLinesSink(file, chain, fsync, channel, tail.lines(), tail.lastHash());
    } catch (IOException e) {
      throw new AccessDeniedException("could not open audit log " + file, e);
    }
  }

  @Override
  public synchronized void record(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    if (channel == null) {
      throw new IllegalStateException("expected an open audit sink but it was closed");
    }
    String line = chain.line(seq + 1, event, prev);
    ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      if (fsync) {
        channel.force(false);
      }
    } catch (IOException e) {
      throw new AccessDeniedException("could not write audit log " + file, e);
    }
    seq++;
    prev = AuditChain.hash(line);
  }

  @Override
  public synchronized void close() {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      throw new AccessDeniedException("could not close audit log " + file, e);
    } finally {
      channel = null;
    }
  }

  @Override
  public String toString() {
    return "AuditSink[jsonLines " + file + "]";
  }

  private static void createOwnerOnly(Path file) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
  }
}
