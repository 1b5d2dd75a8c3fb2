package dev.strongroom.audit;

import dev.strongroom.exception.AccessDeniedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opening the audit log, its rolled-over files and its checkpoint without ever following a symbolic
 * link: every open passes {@link LinkOption#NOFOLLOW_LINKS} ({@code O_NOFOLLOW}), and a link found
 * in place of a file is refused with a message saying so. Stateless.
 */
final class AuditFiles {
  private static final int SEGMENT_DIGITS = 19;

  private AuditFiles() {}

  /** Opens {@code file} for reading, refusing a link. */
  static InputStream openRead(Path file) throws IOException {
    refuseLink(file);
    return Channels.newInputStream(open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
  }

  /** Opens (creating owner-only if missing) {@code file} for writing, refusing a link. */
  static FileChannel openWrite(Path file, boolean append) throws IOException {
    refuseLink(file);
    Set<OpenOption> options = new HashSet<>();
    options.add(StandardOpenOption.CREATE);
    options.add(StandardOpenOption.WRITE);
    options.add(LinkOption.NOFOLLOW_LINKS);
    options.add(append ? StandardOpenOption.APPEND : StandardOpenOption.READ);
    try {
      return FileChannel.open(file, options, ownerOnly());
    } catch (FileSystemException e) {
      throw linkOr(file, e);
    }
  }

  private static FileChannel open(Path file, OpenOption... options) throws IOException {
    try {
      return FileChannel.open(file, options);
    } catch (FileSystemException e) {
      throw linkOr(file, e);
    }
  }

  /** Throws {@link AccessDeniedException} if {@code file} is a symbolic link. */
  static void refuseLink(Path file) {
    if (Files.isSymbolicLink(file)) {
      throw new AccessDeniedException(
          "refusing " + file + ": it is a symbolic link (audit files are never followed)");
    }
  }

  private static IOException linkOr(Path file, FileSystemException e) {
    // O_NOFOLLOW on a link that appeared after the check: ELOOP.
    if (Files.isSymbolicLink(file)) {
      throw new AccessDeniedException(
          "refusing " + file + ": it is a symbolic link (audit files are never followed)", e);
    }
    return e;
  }

  private static FileAttribute<?>[] ownerOnly() {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Set<PosixFilePermission> perms = PosixFilePermissions.fromString("rw-------");
      return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)};
    }
    return new FileAttribute<?>[0];
  }

  /** Whether {@code file} exists (a link counts as existing, and is refused when opened). */
  static boolean exists(Path file) {
    return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
  }

  /** The name a rolled-over file gets: the active name, a dot, its last line number. */
  static Path segment(Path active, long lastSeq) {
    return active.resolveSibling(
        active.getFileName() + "." + String.format("%0" + SEGMENT_DIGITS + "d", lastSeq));
  }

  /** The chain's rolled-over files, oldest first, then the active file if it exists. */
  static Chain chain(Path active) throws IOException {
    Pattern name = Pattern.compile(Pattern.quote(active.getFileName().toString()) + "\\.(\\d{19})");
    List<Path> segments = new ArrayList<>();
    Path dir = active.toAbsolutePath().getParent();
    if (dir != null && Files.isDirectory(dir)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path entry : entries) {
          if (name.matcher(entry.getFileName().toString()).matches()) {
            segments.add(active.resolveSibling(entry.getFileName()));
          }
        }
      }
    }
    segments.sort(null);
    List<Path> files = new ArrayList<>();
    List<Long> ends = new ArrayList<>();
    for (Path segment : segments) {
      Matcher m = name.matcher(segment.getFileName().toString());
      m.matches();
      files.add(segment);
      ends.add(Long.parseLong(m.group(1)));
    }
    boolean activeExists = exists(active);
    if (activeExists) {
      files.add(active);
      ends.add(-1L);
    }
    return new Chain(List.copyOf(files), List.copyOf(ends), activeExists);
  }

  /** The files of a chain in order, the line each rolled-over one ends at (-1: active). */
  record Chain(List<Path> files, List<Long> ends, boolean activeExists) {
    boolean isEmpty() {
      return files.isEmpty();
    }
  }
}
