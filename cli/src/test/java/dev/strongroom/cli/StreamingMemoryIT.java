package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code encrypt | decrypt} in constant memory: 300 MiB, generated on the fly, through two launcher
 * processes whose heap is capped at 64 MiB (five times smaller than the data), with the SHA-256 of
 * what went in and what came out compared.
 */
class StreamingMemoryIT {
  private static final Path LAUNCHER = Path.of("..", "strongroom").toAbsolutePath().normalize();
  private static final long SIZE = 300L << 20;
  private static final String HEAP = "-Xmx64m";

  @TempDir Path dir;

  private ProcessBuilder launcher(String... args) {
    ProcessBuilder builder =
        new ProcessBuilder(
                java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(LAUNCHER.toString()),
                        java.util.stream.Stream.of(args))
                    .toList())
            .directory(dir.toFile());
    Map<String, String> env = builder.environment();
    env.remove("STRONGROOM_PASSPHRASE");
    env.put("STRONGROOM_STORE", dir.resolve("store").toString());
    env.put(
        "STRONGROOM_MASTER_KEY",
        Base64.getEncoder()
            .encodeToString(
                "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
    env.put("STRONGROOM_SKIP_BUILD", "1");
    env.put("STRONGROOM_JAVA_OPTS", HEAP + " -XX:+ExitOnOutOfMemoryError");
    return builder;
  }

  @Test
  void encryptPipeDecrypt_300MiBWith64MiBHeap_sameSha256() throws Exception {
    Process init = launcher("init").redirectErrorStream(true).start();
    init.getInputStream().readAllBytes();
    assertEquals(0, init.waitFor());

    ProcessBuilder enc =
        launcher("encrypt", "--context", "file=big").redirectError(ProcessBuilder.Redirect.INHERIT);
    ProcessBuilder dec =
        launcher("decrypt", "--context", "file=big").redirectError(ProcessBuilder.Redirect.INHERIT);
    long start = System.nanoTime();
    List<Process> pipeline = ProcessBuilder.startPipeline(List.of(enc, dec));
    Process first = pipeline.get(0);
    Process last = pipeline.get(1);
    CompletableFuture<byte[]> written =
        CompletableFuture.supplyAsync(() -> feed(first.getOutputStream()));
    byte[] read = digest(last.getInputStream());
    byte[] sent = written.get(10, TimeUnit.MINUTES);
    assertTrue(last.waitFor(10, TimeUnit.MINUTES));
    assertEquals(0, first.waitFor(), "encrypt");
    assertEquals(0, last.exitValue(), "decrypt");
    assertArrayEquals(sent, read);
    System.out.printf(
        "constant memory: %d MiB through encrypt | decrypt with %s in %.1f s%n",
        SIZE >> 20, HEAP, (System.nanoTime() - start) / 1e9);
  }

  private static byte[] feed(OutputStream out) {
    try (out) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      SplittableRandom random = new SplittableRandom(42);
      byte[] block = new byte[1 << 16];
      for (long done = 0; done < SIZE; done += block.length) {
        for (int i = 0; i < block.length; i += 8) {
          long r = random.nextLong();
          for (int j = 0; j < 8; j++) {
            block[i + j] = (byte) (r >>> (8 * j));
          }
        }
        sha.update(block);
        out.write(block);
      }
      return sha.digest();
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] digest(InputStream in) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    for (int n; (n = in.read(buffer)) > 0; ) {
      sha.update(buffer, 0, n);
      total += n;
    }
    assertEquals(SIZE, total);
    return sha.digest();
  }
}
