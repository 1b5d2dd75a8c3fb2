package dev.strongroom.file.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The store's writer lock: an in-process lock shared by every store object on the same folder in
 * this JVM (file locks are held per process, and two channels of one JVM may not both lock the
 * file), around an exclusive {@link FileLock} on {@code .lock} that excludes other processes.
 * {@code .lock} is opened with {@code O_NOFOLLOW}: a link planted in its place is refused, never
 * followed. Reentrant. Thread-safe.
 */
final class StoreLock {
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

  private final Path lockFile;
  private final ReentrantLock local;

  StoreLock(Path root) {
    Path normalized = root.toAbsolutePath().normalize();
    this.lockFile = normalized.resolve(FileLayout.LOCK);
    this.local = LOCAL.computeIfAbsent(normalized, k -> new ReentrantLock());
  }

  /** Runs {@code body} holding both locks. */
  <T> T call(Supplier<T> body) {
    local.lock();
    try {
      if (local.getHoldCount() > 1) {
        return body.get();
      }
      AtomicFiles.refuseLink(lockFile.getParent());
      try (FileChannel channel =
          FileChannel.open(
              lockFile,
              Set.of(
                  StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
              AtomicFiles.fileAttributes(lockFile.getParent()))) {
        FileLock held = channel.lock();
        try {
          return body.get();
        } finally {
          held.release();
        }
      } catch (IOException e) {
        if (Files.isSymbolicLink(lockFile)) {
          throw AtomicFiles.linked(lockFile);
        }
        throw AtomicFiles.failure("cannot lock", lockFile, e);
      }
    } finally {
      local.unlock();
    }
  }

  /** Runs {@code body} holding both locks. */
  void run(Runnable body) {
    call(
        () -> {
          body.run();
          return null;
        });
  }
}
