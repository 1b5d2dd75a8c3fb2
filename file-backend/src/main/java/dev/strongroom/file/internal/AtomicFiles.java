package dev.strongroom.file.internal;

import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.exception.TamperedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/**
 * Crash-safe file operations: a write goes to a temp file in the same folder, is forced to disk,
 * renamed over the target atomically, and then the folder is forced, so after a crash the target
 * holds either the old or the new bytes, never a mix. Files are created 0600 and folders 0700 on
 * POSIX file systems. No symbolic link is followed: a file is opened with {@link
 * LinkOption#NOFOLLOW_LINKS} ({@code O_NOFOLLOW}), a folder is checked with {@code lstat} before it
 * is written to, and a link found either way is a {@link TamperedException}. Reads are bounded: the
 * size is checked on the open channel before anything is allocated. Stateless and thread-safe;
 * callers serialise writers to one file.
 */
public final class AtomicFiles {
  /** Prefix of temp files; leftovers are removed when a store opens. */
  static final String TEMP_PREFIX = ".tmp-";

  static final String TEMP_SUFFIX = ".part";

  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");

  private AtomicFiles() {}

  /** Replaces {@code target} with {@code bytes} atomically and durably. */
  public static void write(Path target, byte[] bytes) {
    Path dir = target.toAbsolutePath().getParent();
    refuseLink(dir);
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, TEMP_PREFIX, TEMP_SUFFIX, fileAttributes(dir));
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
      forceDirectory(dir);
    } catch (IOException e) {
      throw failure("cannot write", target, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a leftover temp file is removed the next time the store opens
        }
      }
    }
  }

  /** Deletes {@code target} durably; deleting a missing file does nothing. */
  public static void delete(Path target) {
    refuseLink(target.toAbsolutePath().getParent());
    try {
      if (Files.deleteIfExists(target)) {
        forceDirectory(target.toAbsolutePath().getParent());
      }
    } catch (IOException e) {
      throw failure("cannot delete", target, e);
    }
  }

  /**
   * Reads a whole regular file of at most {@code max} bytes, never through a link.
   *
   * @throws NotFoundException if it does not exist
   * @throws TamperedException if it or its folder is a symbolic link
   * @throws StrongroomException if it is not a regular file or is larger than {@code max}
   */
  public static byte[] read(Path file, long max) {
    try {
      return readOrThrow(file, max);
    } catch (IOException e) {
      throw failure("cannot read", file, e);
    }
  }

  /** Like {@link #read(Path, long)} but a missing file is a {@link NoSuchFileException}. */
  static byte[] readOrThrow(Path file, long max) throws IOException {
    refuseLink(file.toAbsolutePath().getParent());
    BasicFileAttributes attributes =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()) {
      throw linked(file);
    }
    if (!attributes.isRegularFile()) {
      throw new StrongroomException("expected a regular file but " + file + " is not one");
    }
    try (SeekableByteChannel channel =
        Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      long size = channel.size();
      if (size > max) {
        throw new StrongroomException(
            file + " is too large (" + size + " bytes; at most " + max + " are read)");
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // fill
      }
      return buffer.hasRemaining()
          ? Arrays.copyOf(buffer.array(), buffer.position())
          : buffer.array();
    } catch (FileSystemException e) {
      if (!(e instanceof NoSuchFileException) && Files.isSymbolicLink(file)) {
        throw linked(file); // replaced by a link between the check and the open
      }
      throw e;
    }
  }

  /** Refuses {@code path} if it is a symbolic link. */
  static void refuseLink(Path path) {
    if (path != null && Files.isSymbolicLink(path)) {
      throw linked(path);
    }
  }

  static TamperedException linked(Path path) {
    return new TamperedException(
        path
            + " is a symbolic link; a strongroom store follows no links (remove it, or restore"
            + " the real file from a backup)");
  }

  /**
   * Creates {@code dir} and its missing parents owner-only; an existing {@code dir} may not be a
   * link.
   */
  public static void createDirectories(Path dir) {
    refuseLink(dir);
    try {
      if (isPosix(dir.toAbsolutePath().getRoot())) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
      } else {
        Files.createDirectories(dir);
      }
    } catch (IOException e) {
      throw failure("cannot create folder", dir, e);
    }
  }

  /** Removes temp files a crashed writer left in {@code dir}; the caller holds the store lock. */
  static int removeLeftovers(Path dir) {
    int removed = 0;
    refuseLink(dir);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
      for (Path leftover : stream) {
        if (leftover.getFileName().toString().endsWith(TEMP_SUFFIX)) {
          Files.deleteIfExists(leftover);
          removed++;
        }
      }
    } catch (IOException e) {
      throw failure("cannot clean", dir, e);
    }
    if (removed > 0) {
      forceDirectory(dir);
    }
    return removed;
  }

  /** Owner-only file attributes for files created in {@code dir}, where supported. */
  static FileAttribute<?>[] fileAttributes(Path dir) {
    return isPosix(dir)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
        : new FileAttribute<?>[0];
  }

  static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Forces a folder's entries to disk; tolerated where the platform cannot open folders. */
  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a folder as a channel; its renames are durable on their own
    }
  }

  /** Maps an I/O failure to a Strongroom exception naming the file, never its content. */
  static StrongroomException failure(String what, Path path, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new NotFoundException(what + " " + path + ": no such file", e);
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return new AccessDeniedException(what + " " + path + ": permission denied", e);
    }
    return new BackendUnavailableException(
        what + " " + path + ": " + e.getClass().getSimpleName(), e);
  }
}
