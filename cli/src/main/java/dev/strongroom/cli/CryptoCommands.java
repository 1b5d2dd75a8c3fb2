package dev.strongroom.cli;

import dev.strongroom.audit.AuditEvent;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.StrongroomException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code encrypt}, {@code decrypt} and {@code rewrap}: streaming envelope encryption in constant
 * memory ({@link Envelope#encryptingStream}, {@link Envelope#decryptingStream}, {@link
 * Envelope#rewrap(InputStream, OutputStream)}), each recorded in the store's audit log.
 */
final class CryptoCommands {
  /** The audit resource of decrypt and rewrap: whichever of the store's KEKs opens the input. */
  static final String RESOURCE = "kek/*";

  private CryptoCommands() {}

  @Command(name = "encrypt", description = "Encrypt stdin to stdout, streaming, under a KEK.")
  static final class Encrypt extends StoreCommand {
    @Option(
        names = "--key",
        paramLabel = "KEK",
        defaultValue = "default",
        description = "The KEK (default: ${DEFAULT-VALUE}).")
    String key;

    @Option(
        names = "--context",
        paramLabel = "K=V",
        description = "Encryption context pairs decrypt must repeat.")
    Map<String, String> context = new LinkedHashMap<>();

    @Override
    int run(RoomContext room) throws IOException {
      Envelope envelope = room.envelope(key);
      String resource = "kek/" + key;
      long bytes;
      try (InputStream in = new BufferedInputStream(stdin(), 1 << 16);
          OutputStream out = envelope.encryptingStream(stdout(), EncryptionContext.of(context))) {
        bytes = in.transferTo(out);
      } catch (RuntimeException e) {
        room.auditFailure("encrypt", resource, e);
        throw e;
      }
      room.audit("encrypt", resource, 0, AuditEvent.Outcome.OK, bytes + " bytes, streamed");
      return Main.OK;
    }
  }

  @Command(
      name = "decrypt",
      description =
          "Decrypt stdin to stdout, streaming; nothing is written unless the whole input verifies.")
  static final class Decrypt extends StoreCommand {
    @Option(
        names = "--context",
        paramLabel = "K=V",
        description = "The encryption context given to encrypt.")
    Map<String, String> context = new LinkedHashMap<>();

    @Override
    int run(RoomContext room) throws IOException {
      Envelope envelope = room.anyKeyEnvelope();
      // The stream releases each segment once it verifies; holding everything back until the
      // last one has verified keeps a tampered or truncated input from reaching stdout at all.
      HoldBackOutput held = new HoldBackOutput();
      long bytes;
      try (InputStream in =
          envelope.decryptingStream(
              new BufferedInputStream(stdin(), 1 << 16), EncryptionContext.of(context))) {
        bytes = in.transferTo(held);
      } catch (EOFException e) {
        held.discard();
        InvalidCiphertextException invalid = new InvalidCiphertextException();
        room.auditFailure("decrypt", RESOURCE, invalid);
        throw invalid;
      } catch (IOException | RuntimeException e) {
        held.discard();
        if (e instanceof RuntimeException) {
          room.auditFailure("decrypt", RESOURCE, (RuntimeException) e);
        }
        throw e;
      }
      try {
        room.audit("decrypt", RESOURCE, 0, AuditEvent.Outcome.OK, bytes + " bytes, streamed");
      } catch (RuntimeException e) {
        held.discard(); // fail closed: nothing is released unless the access is recorded
        throw e;
      }
      held.commitTo(stdout());
      return Main.OK;
    }
  }

  @Command(
      name = "rewrap",
      description =
          "Move ciphertexts' data keys to the newest KEK version without decrypting the data:"
              + " stdin to stdout, or every file in --dir in place.")
  static final class Rewrap extends StoreCommand {
    @Option(
        names = "--dir",
        paramLabel = "FOLDER",
        description = "Rewrap every ciphertext file under FOLDER in place.")
    Path dir;

    @Override
    int run(RoomContext room) throws IOException {
      Envelope envelope = room.anyKeyEnvelope();
      if (dir == null) {
        // The new header is written only once every data key has been rewrapped, so a failure
        // writes nothing; the body is copied as it is (it stays authenticated by its segments).
        try (InputStream in = new BufferedInputStream(stdin(), 1 << 16);
            OutputStream out = stdout()) {
          envelope.rewrap(in, out);
        } catch (EOFException e) {
          InvalidCiphertextException invalid = new InvalidCiphertextException();
          room.auditFailure("rewrap", RESOURCE, invalid);
          throw invalid;
        } catch (RuntimeException e) {
          room.auditFailure("rewrap", RESOURCE, e);
          throw e;
        }
        room.audit("rewrap", RESOURCE, 0, AuditEvent.Outcome.OK, "stdin");
        return Main.OK;
      }
      return bulk(room, envelope);
    }

    private int bulk(RoomContext room, Envelope envelope) throws IOException {
      if (!Files.isDirectory(dir)) {
        throw new CliError(Main.USAGE, "not a folder: " + dir);
      }
      List<Path> files;
      try (Stream<Path> walk = Files.walk(dir)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      PrintStream err = System.err;
      int done = 0;
      int rewrapped = 0;
      int skipped = 0;
      int failed = 0;
      for (Path file : files) {
        if (looksLikeCiphertext(file)) {
          try {
            rewrapFile(envelope, file);
            rewrapped++;
          } catch (StrongroomException | EOFException e) {
            failed++;
            err.printf("%nstrongroom: cannot rewrap %s: %s%n", file, e.getMessage());
          }
        } else {
          skipped++;
        }
        done++;
        err.printf("\rrewrap: %d/%d files", done, files.size());
        err.flush();
      }
      err.println();
      room.audit(
          "rewrap",
          dir.toAbsolutePath().normalize().toString(),
          0,
          failed > 0 ? AuditEvent.Outcome.ERROR : AuditEvent.Outcome.OK,
          rewrapped + " rewrapped, " + skipped + " skipped, " + failed + " failed");
      println(
          json()
              ? "{\"rewrapped\":"
                  + rewrapped
                  + ",\"skipped\":"
                  + skipped
                  + ",\"failed\":"
                  + failed
                  + "}"
              : "rewrapped "
                  + rewrapped
                  + " file(s), skipped "
                  + skipped
                  + " that are not Strongroom"
                  + " ciphertexts, "
                  + failed
                  + " failed");
      if (failed > 0) {
        throw new InvalidCiphertextException();
      }
      return Main.OK;
    }

    /** Format version 1, then suite 1 (one-shot) or 2 (stream): see docs/FORMAT.md. */
    private static boolean looksLikeCiphertext(Path file) throws IOException {
      try (InputStream in = Files.newInputStream(file)) {
        byte[] start = in.readNBytes(2);
        return start.length == 2 && start[0] == 1 && (start[1] == 1 || start[1] == 2);
      }
    }

    private static void rewrapFile(Envelope envelope, Path file) throws IOException {
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".rewrap-", ".part");
      try {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            OutputStream out =
                new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
          envelope.rewrap(in, out);
        }
        try (var channel =
            java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
          channel.force(true);
        }
        try {
          Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
