package dev.strongroom.file.internal;

import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.TamperedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks a store passes before its header is read: no symbolic link anywhere in it (two levels:
 * the folder's entries and the entries of its sub-folders, which is every file the store has), and,
 * unless trusted, every file and folder owned by the user this process runs as and not writable by
 * group or others. Each entry is examined with {@code lstat} ({@link LinkOption#NOFOLLOW_LINKS});
 * links are also refused when each file is opened (see {@link AtomicFiles}), so a link planted
 * after the check is caught too. Stateless and thread-safe.
 */
final class StoreSafety {
  private static final Logger LOG = LoggerFactory.getLogger(StoreSafety.class);
  private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS =
      Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  private static final Set<PosixFilePermission> READABLE_BY_OTHERS =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_EXECUTE);

  private StoreSafety() {}

  /**
   * Checks {@code dir} and everything in it.
   *
   * @throws TamperedException if anything is a symbolic link
   * @throws AccessDeniedException if, unless {@code trust}, anything is owned by another user or
   *     writable by group or others
   */
  static void check(Path dir, boolean trust) {
    if (Files.isSymbolicLink(dir)) {
      throw AtomicFiles.linked(dir);
    }
    boolean posix = AtomicFiles.isPosix(dir);
    Object me = posix && !trust ? currentUid() : null;
    for (Path p : entries(dir)) {
      if (!posix) {
        if (Files.isSymbolicLink(p)) {
          throw AtomicFiles.linked(p);
        }
        continue;
      }
      PosixFileAttributes a;
      try {
        a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        continue; // removed while we looked
      } catch (IOException e) {
        throw AtomicFiles.failure("cannot check", p, e);
      }
      if (a.isSymbolicLink()) {
        throw AtomicFiles.linked(p);
      }
      if (trust) {
        continue;
      }
      if (me != null) {
        Object uid = uid(p);
        if (uid != null && !uid.equals(me)) {
          throw new AccessDeniedException(
              "refusing to open strongroom store "
                  + dir
                  + ": "
                  + p
                  + " is owned by uid "
                  + uid
                  + ", not by this process's user (uid "
                  + me
                  + "); fix the owner, or add trust_permissions=true to the file: URI");
        }
      }
      if (a.permissions().stream().anyMatch(WRITABLE_BY_OTHERS::contains)) {
        throw new AccessDeniedException(
            "refusing to open strongroom store "
                + dir
                + ": "
                + p
                + " is writable by group or others; fix with: chmod -R go-w "
                + dir
                + " (or add trust_permissions=true to the file: URI)");
      }
    }
  }

  /** Logs a loud warning if anything in the store is readable by group or others. */
  static List<Path> warnIfReadable(Path dir) {
    List<Path> exposed = new ArrayList<>();
    if (!AtomicFiles.isPosix(dir)) {
      return exposed;
    }
    for (Path p : entries(dir)) {
      try {
        Set<PosixFilePermission> perms =
            Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        if (perms.stream().anyMatch(READABLE_BY_OTHERS::contains)) {
          exposed.add(p);
        }
      } catch (IOException e) {
        // vanished while walking
      }
    }
    if (!exposed.isEmpty()) {
      LOG.warn(
          "SECURITY WARNING: strongroom store {} has {} file(s) or folder(s) readable by group"
              + " or others (e.g. {}); fix with: chmod -R go-rwx {}",
          dir,
          exposed.size(),
          exposed.get(0),
          dir);
    }
    return exposed;
  }

  private static List<Path> entries(Path dir) {
    try (Stream<Path> files = Files.walk(dir, 2)) {
      return files.toList();
    } catch (IOException | UncheckedIOException e) {
      throw new AccessDeniedException("cannot check the files of strongroom store " + dir, e);
    }
  }

  /** The numeric owner of {@code p}, or null where the platform has no "unix" view. */
  private static Object uid(Path p) {
    try {
      return Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The effective uid of this process: the owner of {@code /proc/self} on Linux, else of a file
   * this process just created; null if neither can be read (then ownership is not checked).
   */
  private static Object currentUid() {
    try {
      return Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // not Linux
    }
    Path probe = null;
    try {
      probe = Files.createTempFile("strongroom-uid", ".probe");
      return Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      LOG.warn("cannot tell which user this process runs as; store ownership is not checked");
      return null;
    } finally {
      if (probe != null) {
        try {
          Files.deleteIfExists(probe);
        } catch (IOException ignored) {
          // a stray probe file in the temp folder is harmless
        }
      }
    }
  }
}
