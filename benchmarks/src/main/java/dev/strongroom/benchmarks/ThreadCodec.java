package dev.strongroom.benchmarks;

import java.util.Arrays;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH per-thread state: this thread's {@link Codec}, a random plaintext of the trial's size and a
 * ciphertext of it made in setup (the decryption benchmarks decrypt that one). Confined to its
 * thread.
 */
@State(Scope.Thread)
public class ThreadCodec {
  Codec codec;
  byte[] plaintext;
  byte[] ciphertext;

  /** Makes this thread's codec and checks that it round-trips. */
  @Setup(Level.Trial)
  public void setUp(SharedImpl shared) throws Exception {
    codec = shared.codecs.get();
    plaintext = Impls.randomBytes(shared.size);
    ciphertext = codec.encrypt(plaintext);
    if (!Arrays.equals(codec.decrypt(ciphertext), plaintext)) {
      throw new IllegalStateException(shared.impl + " does not round-trip");
    }
  }
}
