package dev.strongroom.audit;

import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.StrongroomException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * A checkpoint file: two 512-byte slots, each one checkpoint as JSON padded with spaces and ending
 * in a newline, written alternately in place with one positional write each. A torn write spoils at
 * most the slot being written; the other still holds the checkpoint before it. {@link #read}
 * returns the readable slot with the highest line number. Never follows a symbolic link.
 * Thread-safe (synchronized).
 */
final class CheckpointFile implements AuditCheckpointStore {
  static final int SLOT = 512;
  private final Path file;
  private final boolean fsync;
  private FileChannel channel; // guarded by this
  private int nextSlot = -1; // guarded by this

  CheckpointFile(Path file, boolean fsync) {
    this.file = file;
    this.fsync = fsync;
  }

  Path path() {
    return file;
  }

  boolean exists() {
    return AuditFiles.exists(file);
  }

  @Override
  public synchronized Optional<AuditCheckpoint> read() {
    if (!exists()) {
      return Optional.empty();
    }
    byte[] bytes;
    try (InputStream in = AuditFiles.openRead(file)) {
      bytes = in.readNBytes(2 * SLOT + 1);
    } catch (IOException e) {
      throw new AccessDeniedException("could not read audit checkpoint " + file, e);
    }
    if (bytes.length > 2 * SLOT) {
      throw new StrongroomException(
          "audit checkpoint " + file + " is longer than " + 2 * SLOT + " bytes: not a checkpoint");
    }
    AuditCheckpoint best = null;
    int bestSlot = -1;
    for (int slot = 0; slot * SLOT < bytes.length; slot++) {
      byte[] part =
          Arrays.copyOfRange(bytes, slot * SLOT, Math.min(bytes.length, (slot + 1) * SLOT));
      try {
        AuditCheckpoint c = AuditCheckpoint.decode(new String(part, StandardCharsets.UTF_8).trim());
        if (best == null || c.seq() > best.seq()) {
          best = c;
          bestSlot = slot;
        }
      } catch (IllegalArgumentException torn) {
        // a slot spoilt by a torn write (or by hand): the other slot may still hold one
      }
    }
    if (best == null && bytes.length > 0) {
      throw new StrongroomException("audit checkpoint " + file + " holds no readable checkpoint");
    }
    if (nextSlot < 0 && bestSlot >= 0) {
      nextSlot = 1 - bestSlot;
    }
    return Optional.ofNullable(best);
  }

  @Override
  public synchronized void write(AuditCheckpoint checkpoint) {
    byte[] text = checkpoint.encode().getBytes(StandardCharsets.UTF_8);
    byte[] slot = new byte[SLOT];
    Arrays.fill(slot, (byte) ' ');
    System.arraycopy(text, 0, slot, 0, text.length);
    slot[SLOT - 1] = '\n';
    try {
      if (channel == null) {
        if (nextSlot < 0 && exists()) {
          read();
        }
        channel = AuditFiles.openWrite(file, false);
        if (nextSlot < 0) {
          nextSlot = 0;
        }
      }
      ByteBuffer buffer = ByteBuffer.wrap(slot);
      long position = (long) nextSlot * SLOT;
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
      if (fsync) {
        channel.force(false);
      }
      nextSlot = 1 - nextSlot;
    } catch (IOException e) {
      closeQuietly();
      throw new AccessDeniedException("could not write audit checkpoint " + file, e);
    }
  }

  synchronized void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing after a failure: the failure is what is reported
      }
      channel = null;
    }
  }

  @Override
  public String describe() {
    return file.toString();
  }

  @Override
  public String toString() {
    return "AuditCheckpointStore[" + file + "]";
  }
}
