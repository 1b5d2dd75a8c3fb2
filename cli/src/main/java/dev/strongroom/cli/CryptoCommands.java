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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
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

    /** Files up to this size are read whole and rewrapped in batches; larger ones stream. */
    static final long BATCH_FILE_LIMIT = 8L << 20;

    /** At most this many files, and {@link #BATCH_BYTES} bytes, per batch. */
    static final int BATCH_FILES = 1000;

    static final long BATCH_BYTES = 64L << 20;

    private int rewrapped;
    private int skipped;
    private int failed;
    private int done;

    /**
     * Rewraps every ciphertext under {@link #dir} in place: small files in batches through {@link
     * dev.strongroom.Strongroom#rewrapAll} under the key {@code default} (one batched KEK request
     * per batch on Vault Transit, one per data key on KMS); large files, those the batch could not
     * rewrap (another KEK), and every file of a store without {@code default}, one by one,
     * streaming. Each file is replaced atomically; a failure leaves it as it was.
     */
    private int bulk(RoomContext room, Envelope envelope) throws IOException {
      if (!Files.isDirectory(dir)) {
        throw new CliError(Main.USAGE, "not a folder: " + dir);
      }
      List<Path> files;
      try (Stream<Path> walk = Files.walk(dir)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      // batches go through the room's rewrapAll, which uses the key "default"; without it, each
      // file streams under whichever of the store's keys opens it
      boolean batching = room.keyNames().contains("default");
      Progress progress = Progress.onStderr("rewrap");
      try {
        List<Path> batch = new ArrayList<>();
        long batchBytes = 0;
        for (Path file : files) {
          if (!looksLikeCiphertext(file)) {
            skipped++;
            done++;
            progress.update(done, files.size(), "files");
            continue;
          }
          long size = Files.size(file);
          if (!batching || size > BATCH_FILE_LIMIT) {
            one(envelope, file, progress);
            progress.update(done, files.size(), "files");
            continue;
          }
          if (batch.size() == BATCH_FILES || batchBytes + size > BATCH_BYTES) {
            batch(room, envelope, batch, progress);
            progress.update(done, files.size(), "files");
            batch.clear();
            batchBytes = 0;
          }
          batch.add(file);
          batchBytes += size;
        }
        batch(room, envelope, batch, progress);
        progress.update(done, files.size(), "files");
      } finally {
        progress.finish();
      }
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

    private void batch(RoomContext room, Envelope envelope, List<Path> batch, Progress progress)
        throws IOException {
      if (batch.isEmpty()) {
        return;
      }
      List<byte[]> contents = new ArrayList<>(batch.size());
      for (Path file : batch) {
        contents.add(Files.readAllBytes(file));
      }
      List<Integer> retry = new ArrayList<>();
      room.room()
          .rewrapAll(
              contents,
              new dev.strongroom.RewrapListener() {
                @Override
                public void rewrapped(long index, byte[] ciphertext) {
                  Path file = batch.get((int) index);
                  try {
                    replace(file, out -> out.write(ciphertext));
                    rewrapped++;
                    done++;
                  } catch (IOException e) {
                    failed++;
                    done++;
                    progress.note("strongroom: cannot rewrap " + file + ": " + e.getMessage());
                  }
                }

                @Override
                public void failed(long index, StrongroomException failure) {
                  retry.add((int) index); // another KEK, perhaps: one by one, below
                }
              });
      for (int index : retry) {
        one(envelope, batch.get(index), progress);
      }
    }

    private void one(Envelope envelope, Path file, Progress progress) throws IOException {
      try {
        replace(
            file,
            out -> {
              try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                envelope.rewrap(in, out);
              }
            });
        rewrapped++;
      } catch (StrongroomException | EOFException e) {
        failed++;
        progress.note("strongroom: cannot rewrap " + file + ": " + e.getMessage());
      }
      done++;
    }

    /** Something that writes a file's new content. */
    private interface Writer {
      void write(OutputStream out) throws IOException;
    }

    /** Replaces {@code file} atomically with what {@code writer} writes, keeping its mode. */
    private static void replace(Path file, Writer writer) throws IOException {
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".rewrap-", ".part");
      try {
        try (OutputStream out =
            new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
          writer.write(out);
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

    /** Format version 1, then suite 1 (one-shot) or 2 (stream): see docs/FORMAT.md. */
    private static boolean looksLikeCiphertext(Path file) throws IOException {
      try (InputStream in = Files.newInputStream(file)) {
        byte[] start = in.readNBytes(2);
        return start.length == 2 && start[0] == 1 && (start[1] == 1 || start[1] == 2);
      }
    }
  }
}
