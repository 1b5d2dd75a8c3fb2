package dev.strongroom.benchmarks;

import dev.strongroom.envelope.Envelope;
import dev.strongroom.envelope.EnvelopeStats;
import java.util.Arrays;

/**
 * Counts KEK calls, not time: encrypts a number of messages (1,000,000 by default) under the
 * default cache policy, decrypts every 1000th of them with a second envelope holding the same KEK,
 * and prints both envelopes' {@link EnvelopeStats}. Run with {@code java -cp benchmarks.jar
 * dev.strongroom.benchmarks.KekCallsCounter [messages] [size]}. Stateless.
 */
public final class KekCallsCounter {
  private KekCallsCounter() {}

  /** Entry point: {@code [messages] [size]}. */
  public static void main(String[] args) {
    long messages = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    EnvelopeStats[] stats = count(messages, size);
    System.out.printf(
        "%,d messages of %d B under the default cache policy:%n"
            + "  encrypt: %,d KEK calls (%,d cache hits, %,d misses)%n"
            + "  decrypt (every 1000th message, fresh envelope): %,d KEK calls"
            + " (%,d hits, %,d misses)%n",
        messages,
        size,
        stats[0].kekCalls(),
        stats[0].encryptHits(),
        stats[0].encryptMisses(),
        stats[1].kekCalls(),
        stats[1].decryptHits(),
        stats[1].decryptMisses());
  }

  /** Encrypts {@code messages} messages; returns the encrypting and the decrypting stats. */
  static EnvelopeStats[] count(long messages, int size) {
    Envelope[] pair = Impls.envelopePair();
    Envelope encrypting = pair[0];
    Envelope decrypting = pair[1];
    byte[] plaintext = Impls.randomBytes(size);
    for (long i = 0; i < messages; i++) {
      byte[] ciphertext = encrypting.encrypt(plaintext, Impls.CONTEXT);
      if (i % 1000 == 0
          && !Arrays.equals(decrypting.decrypt(ciphertext, Impls.CONTEXT), plaintext)) {
        throw new IllegalStateException("message " + i + " does not round-trip");
      }
    }
    return new EnvelopeStats[] {encrypting.stats(), decrypting.stats()};
  }
}
