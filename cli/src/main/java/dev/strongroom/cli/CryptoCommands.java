package dev.strongroom.cli;

import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.StrongroomException;
import java.io.BufferedInputStream;
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

/** {@code encrypt}, {@code decrypt} and {@code rewrap}: streaming envelope encryption. */
final class CryptoCommands {
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
      StreamCodec codec = StreamCodec.of(room.envelope(key));
      OutputStream stdout = stdout();
      try (InputStream in = new BufferedInputStream(stdin(), 1 << 16);
          OutputStream out = codec.encrypting(stdout, EncryptionContext.of(context))) {
        in.transferTo(out);
      }
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
      List<String> keys = room.keyNames();
      StreamCodec codec =
          StreamCodec.of(room.envelope(keys.contains("default") ? "default" : keys.get(0)));
      HoldBackOutput held = new HoldBackOutput();
      try (InputStream in =
          codec.decrypting(
              new BufferedInputStream(stdin(), 1 << 16), EncryptionContext.of(context))) {
        in.transferTo(held);
      } catch (IOException | RuntimeException e) {
        held.discard();
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
      List<String> keys = room.keyNames();
      StreamCodec codec =
          StreamCodec.of(room.envelope(keys.contains("default") ? "default" : keys.get(0)));
      if (dir == null) {
        HoldBackOutput held = new HoldBackOutput();
        try (InputStream in = new BufferedInputStream(stdin(), 1 << 16)) {
          codec.rewrap(in, held);
        } catch (IOException | RuntimeException e) {
          held.discard();
          throw e;
        }
        held.commitTo(stdout());
        return Main.OK;
      }
      return bulk(codec);
    }

    private int bulk(StreamCodec codec) throws IOException {
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
        if (isStream(file)) {
          try {
            rewrapFile(codec, file);
            rewrapped++;
          } catch (StrongroomException e) {
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

    private static boolean isStream(Path file) throws IOException {
      try (InputStream in = Files.newInputStream(file)) {
        return ChunkedEnvelopeCodec.looksLikeStream(
            in.readNBytes(ChunkedEnvelopeCodec.MAGIC.length));
      }
    }

    private static void rewrapFile(StreamCodec codec, Path file) throws IOException {
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".rewrap-", ".part");
      try {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            OutputStream out =
                new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
          codec.rewrap(in, out);
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
