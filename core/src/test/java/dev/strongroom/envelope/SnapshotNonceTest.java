package dev.strongroom.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.internal.crypto.AesGcm;
import dev.strongroom.internal.envelope.EnvelopeHeader;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.MutableClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A process snapshot restored twice (CRaC, Lambda SnapStart, a cloned VM) must not repeat a (DEK,
 * nonce) pair in its copies (issue 18). A copy is simulated in process: {@link
 * Envelope#restoredCopy()} holds the same cached encryption DEK with the same usage counters, as
 * each restored image would; the CRaC hook is called in process as a CRaC JDK would call it.
 */
class SnapshotNonceTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of(Map.of("t", "1"));
  private static final byte[] PLAINTEXT = "snapshot".getBytes(StandardCharsets.UTF_8);
  private static final int MESSAGES = 5_000;

  private final MemoryBackend memory = MemoryBackend.create(MutableClock.create());
  private final Kek kek;

  SnapshotNonceTest() {
    memory.keys().createKey("k");
    kek = Kek.of(memory.keys(), "k");
  }

  @Test
  void restoredTwice_withTheDekCached_copiesRepeatNoDekNoncePair() {
    Envelope original = Envelope.builder().kek(kek).build();
    byte[] before = original.encrypt(PLAINTEXT, CONTEXT);

    int repeats = repeatsAcrossCopies(original.restoredCopy(), original.restoredCopy(), before);

    assertEquals(0, repeats, "(DEK, nonce) pairs repeated across the restored copies");
  }

  /** The control: the counter nonces of format v1's first releases repeat in restored copies. */
  @Test
  void restoredTwice_withCounterNonces_copiesRepeatPairs() {
    Envelope original = Envelope.builder().counterNoncesForVectors().kek(kek).build();
    byte[] before = original.encrypt(PLAINTEXT, CONTEXT);

    int repeats = repeatsAcrossCopies(original.restoredCopy(), original.restoredCopy(), before);

    assertEquals(MESSAGES, repeats, "every message of the second copy repeats one of the first");
  }

  @Test
  void cracCheckpoint_dropsTheEncryptionDek_soRestoredCopiesEachMakeTheirOwn() throws Exception {
    Envelope original = Envelope.builder().kek(kek).build();
    byte[] before = original.encrypt(PLAINTEXT, CONTEXT);
    long kekCalls = original.stats().kekCalls();
    Object hook = original.checkpointHook();
    assertNotNull(hook, "org.crac is on the test class path: the envelope must register a hook");

    ((org.crac.Resource) hook).beforeCheckpoint(null);
    Envelope first = original.restoredCopy();
    Envelope second = original.restoredCopy();
    ((org.crac.Resource) hook).afterRestore(null);
    byte[] a = first.encrypt(PLAINTEXT, CONTEXT);
    byte[] b = second.encrypt(PLAINTEXT, CONTEXT);

    assertNotEquals(
        ByteBuffer.wrap(header(before)), ByteBuffer.wrap(header(a)), "new DEK in copy 1");
    assertNotEquals(
        ByteBuffer.wrap(header(before)), ByteBuffer.wrap(header(b)), "new DEK in copy 2");
    assertNotEquals(ByteBuffer.wrap(header(a)), ByteBuffer.wrap(header(b)), "copies share a DEK");
    assertEquals(kekCalls, original.stats().kekCalls(), "the original made no call");
    assertTrue(Arrays.equals(PLAINTEXT, first.decrypt(b, CONTEXT)), "copies read each other");
    // The original itself also encrypts under a fresh DEK after the checkpoint.
    assertNotEquals(
        ByteBuffer.wrap(header(before)),
        ByteBuffer.wrap(header(original.encrypt(PLAINTEXT, CONTEXT))));
  }

  @Test
  void randomNonces_areNotTheCounter_andCapOneDekAt2To32Messages() {
    assertEquals(1L << 32, Envelope.MAX_RANDOM_NONCES);
    Envelope envelope = Envelope.builder().kek(kek).build();
    byte[] counterOne = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    byte[] counterTwo = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    byte[] first = nonce(envelope.encrypt(PLAINTEXT, CONTEXT));
    byte[] second = nonce(envelope.encrypt(PLAINTEXT, CONTEXT));
    assertFalse(Arrays.equals(counterOne, first) && Arrays.equals(counterTwo, second));
    assertFalse(Arrays.equals(first, second));
  }

  private static byte[] nonce(byte[] ciphertext) {
    int h = EnvelopeHeader.measure(ciphertext);
    return Arrays.copyOfRange(ciphertext, h, h + AesGcm.NONCE_LENGTH);
  }

  /**
   * Encrypts {@link #MESSAGES} messages in each copy and counts how many (header, nonce) pairs of
   * the second copy the first already used. Both copies must have used the original's DEK, or the
   * test would prove nothing about nonces.
   */
  private static int repeatsAcrossCopies(Envelope first, Envelope second, byte[] before) {
    Set<ByteBuffer> seen = new HashSet<>();
    for (int i = 0; i < MESSAGES; i++) {
      byte[] ct = first.encrypt(PLAINTEXT, CONTEXT);
      assertEquals(ByteBuffer.wrap(header(before)), ByteBuffer.wrap(header(ct)), "same DEK");
      seen.add(ByteBuffer.wrap(headerAndNonce(ct)));
    }
    int repeats = 0;
    for (int i = 0; i < MESSAGES; i++) {
      byte[] ct = second.encrypt(PLAINTEXT, CONTEXT);
      assertEquals(ByteBuffer.wrap(header(before)), ByteBuffer.wrap(header(ct)), "same DEK");
      if (seen.contains(ByteBuffer.wrap(headerAndNonce(ct)))) {
        repeats++;
      }
    }
    return repeats;
  }

  private static byte[] header(byte[] ciphertext) {
    return Arrays.copyOf(ciphertext, EnvelopeHeader.measure(ciphertext));
  }

  private static byte[] headerAndNonce(byte[] ciphertext) {
    return Arrays.copyOf(ciphertext, EnvelopeHeader.measure(ciphertext) + AesGcm.NONCE_LENGTH);
  }
}
