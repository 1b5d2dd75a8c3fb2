package dev.strongroom.benchmarks;

import dev.strongroom.internal.crypto.AesGcm;
import dev.strongroom.internal.crypto.GcmProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A cross-check of the JMH provider comparison for a shared, loaded machine: runs AesGcm on each
 * provider in alternating short rounds within one JVM and reports the median thread CPU time per
 * message (CPU time does not advance while the thread waits for a core, so other processes' load
 * distorts it far less than wall-clock throughput). Not a JMH benchmark; run with {@code java -cp
 * benchmarks.jar dev.strongroom.benchmarks.ProviderProbe [sizes...]}. Single-threaded.
 */
public final class ProviderProbe {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final byte[] EMPTY = new byte[0];
  private static long counter;

  private ProviderProbe() {}

  /** Prints, per size and direction, the median CPU nanoseconds per message on each provider. */
  public static void main(String[] args) {
    int[] sizes =
        args.length == 0
            ? new int[] {64, 1024, 4096, 16384, 65536, 262144, 1048576}
            : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.println("java " + Runtime.version() + "; median CPU ns per message (21 rounds)");
    System.out.println("size\tdir\tjdk_ns\taccp_ns\taccp_speedup");
    for (int size : sizes) {
      for (boolean encrypt : new boolean[] {true, false}) {
        double[] jdk = new double[21];
        double[] accp = new double[21];
        SecretKey key = Impls.aesKey();
        byte[] plaintext = Impls.randomBytes(size);
        byte[] sealed = new byte[size + AesGcm.TAG_LENGTH];
        byte[] nonce = new byte[AesGcm.NONCE_LENGTH];
        AesGcm.prefer(GcmProvider.JDK);
        AesGcm.encrypt(key, nonce, 0, EMPTY, 0, 0, EMPTY, plaintext, 0, size, sealed, 0);
        long budget = 40_000_000L; // 40 ms of CPU per round
        for (int warm = 0; warm < 10; warm++) {
          round(GcmProvider.JDK, encrypt, key, nonce, plaintext, sealed, budget);
          round(GcmProvider.ACCP, encrypt, key, nonce, plaintext, sealed, budget);
        }
        for (int r = 0; r < 21; r++) {
          jdk[r] = round(GcmProvider.JDK, encrypt, key, nonce, plaintext, sealed, budget);
          accp[r] = round(GcmProvider.ACCP, encrypt, key, nonce, plaintext, sealed, budget);
        }
        Arrays.sort(jdk);
        Arrays.sort(accp);
        System.out.printf(
            "%d\t%s\t%.0f\t%.0f\t%.2f%n",
            size, encrypt ? "enc" : "dec", jdk[10], accp[10], jdk[10] / accp[10]);
      }
    }
    AesGcm.prefer(null);
  }

  /** Runs messages on {@code provider} for about {@code budget} CPU ns; returns CPU ns each. */
  private static double round(
      GcmProvider provider,
      boolean encrypt,
      SecretKey key,
      byte[] nonce,
      byte[] plaintext,
      byte[] sealed,
      long budget) {
    AesGcm.prefer(provider);
    byte[] out = new byte[plaintext.length + AesGcm.TAG_LENGTH];
    long start = THREADS.getCurrentThreadCpuTime();
    long ops = 0;
    long now;
    do {
      for (int i = 0; i < 8; i++) {
        if (encrypt) {
          long n = ++counter;
          for (int b = 0; b < 8; b++) {
            nonce[11 - b] = (byte) (n >>> (8 * b));
          }
          AesGcm.encrypt(key, nonce, 0, EMPTY, 0, 0, EMPTY, plaintext, 0, plaintext.length, out, 0);
        } else {
          try {
            AesGcm.decrypt(
                key, sealedNonce(), 0, EMPTY, 0, 0, EMPTY, sealed, 0, sealed.length, out, 0);
          } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalStateException(e);
          }
        }
        ops++;
      }
      now = THREADS.getCurrentThreadCpuTime();
    } while (now - start < budget);
    return (double) (now - start) / ops;
  }

  private static final byte[] SEALED_NONCE = new byte[AesGcm.NONCE_LENGTH];

  private static byte[] sealedNonce() {
    return SEALED_NONCE;
  }
}
