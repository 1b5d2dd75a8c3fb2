package dev.strongroom.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.internal.envelope.EnvelopeHeader;
import dev.strongroom.kek.LocalKeyring;
import dev.strongroom.testkit.CountingKeyService;
import dev.strongroom.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The data-key cache limits, exactly at their boundaries, with a hand-moved clock and a key service
 * that counts its calls; and single flight under many threads.
 */
class DataKeyCacheTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "t1");
  private static final Duration MAX_AGE = Duration.ofMinutes(5);

  private final LocalKeyring keyring = LocalKeyring.inMemory();
  private final CountingKeyService counting = new CountingKeyService(keyring);
  private final Kek kek;
  private final MutableClock clock = MutableClock.fixed();

  DataKeyCacheTest() {
    keyring.createKey("k");
    kek = Kek.of(counting, "k");
  }

  private Envelope envelope(DataKeyCachePolicy policy) {
    return Envelope.builder().kek(kek).cachePolicy(policy).clock(clock).build();
  }

  private static DataKeyCachePolicy policy() {
    return DataKeyCachePolicy.defaults().withMaxAge(MAX_AGE);
  }

  /** The key commitment of a ciphertext: equal commitments mean the same DEK. */
  private static byte[] commitment(byte[] ciphertext) {
    return Arrays.copyOfRange(
        ciphertext, EnvelopeHeader.COMMITMENT_OFFSET, EnvelopeHeader.AUTHENTICATED_LENGTH);
  }

  // --- encryption ---

  @Test
  void encrypt_maxMessagesThree_fourthMessageGetsNewDek() {
    Envelope envelope = envelope(policy().withMaxMessages(3));

    byte[] first = envelope.encrypt(new byte[1], CONTEXT);
    byte[] second = envelope.encrypt(new byte[1], CONTEXT);
    byte[] third = envelope.encrypt(new byte[1], CONTEXT);
    assertEquals(1, counting.generates.get());
    byte[] fourth = envelope.encrypt(new byte[1], CONTEXT);

    assertEquals(2, counting.generates.get());
    assertArrayEquals(commitment(first), commitment(second));
    assertArrayEquals(commitment(first), commitment(third));
    assertFalse(Arrays.equals(commitment(first), commitment(fourth)));
    assertEquals(new EnvelopeStats(2, 2, 0, 0, 2), envelope.stats());
  }

  @Test
  void encrypt_bytesTotallingExactlyMaxBytes_shareDekAndCrossingByteGetsNewOne() {
    Envelope envelope = envelope(policy().withMaxBytes(100));

    byte[] a = envelope.encrypt(new byte[40], CONTEXT);
    byte[] b = envelope.encrypt(new byte[60], CONTEXT);
    byte[] empty = envelope.encrypt(new byte[0], CONTEXT);
    assertEquals(1, counting.generates.get());
    byte[] crossing = envelope.encrypt(new byte[1], CONTEXT);

    assertEquals(2, counting.generates.get());
    assertArrayEquals(commitment(a), commitment(b));
    assertArrayEquals(commitment(a), commitment(empty));
    assertFalse(Arrays.equals(commitment(a), commitment(crossing)));
  }

  @Test
  void encrypt_singleMessageLargerThanMaxBytes_getsDekOfItsOwn() {
    Envelope envelope = envelope(policy().withMaxBytes(100));
    byte[] small = envelope.encrypt(new byte[10], CONTEXT);

    byte[] large = envelope.encrypt(new byte[101], CONTEXT);
    byte[] after = envelope.encrypt(new byte[10], CONTEXT);

    assertEquals(2, counting.generates.get());
    assertFalse(Arrays.equals(commitment(small), commitment(large)));
    assertArrayEquals(commitment(small), commitment(after), "the cached DEK is kept");
    assertArrayEquals(new byte[101], envelope.decrypt(large, CONTEXT));
  }

  @Test
  void encrypt_justBeforeMaxAge_reusesDekAndAtMaxAge_replacesIt() {
    Envelope envelope = envelope(policy());
    byte[] first = envelope.encrypt(new byte[1], CONTEXT);

    clock.advance(MAX_AGE.minusMillis(1));
    byte[] beforeLimit = envelope.encrypt(new byte[1], CONTEXT);
    assertEquals(1, counting.generates.get());
    clock.advance(Duration.ofMillis(1));
    byte[] atLimit = envelope.encrypt(new byte[1], CONTEXT);

    assertEquals(2, counting.generates.get());
    assertArrayEquals(commitment(first), commitment(beforeLimit));
    assertFalse(Arrays.equals(commitment(first), commitment(atLimit)));
  }

  @Test
  void encrypt_streamsCountAsMessages_fourthStreamGetsNewDek() throws Exception {
    Envelope envelope = envelope(policy().withMaxMessages(3));
    for (int i = 0; i < 3; i++) {
      envelope.encryptingStream(new java.io.ByteArrayOutputStream(), CONTEXT).close();
    }
    assertEquals(1, counting.generates.get());

    envelope.encrypt(new byte[1], CONTEXT);

    assertEquals(2, counting.generates.get());
  }

  @Test
  void tenThousandMessages_costOneKekCall() {
    Envelope envelope = envelope(DataKeyCachePolicy.defaults());
    for (int i = 0; i < 10_000; i++) {
      envelope.encrypt(new byte[64], CONTEXT);
    }

    assertEquals(new EnvelopeStats(9_999, 1, 0, 0, 1), envelope.stats());
    assertEquals(1, counting.calls());
  }

  @Test
  void decrypt_tenThousandMessagesUnderOneDek_costOneUnwrap() {
    Envelope writer = envelope(DataKeyCachePolicy.defaults());
    List<byte[]> ciphertexts = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ciphertexts.add(writer.encrypt(new byte[] {(byte) i}, CONTEXT));
    }
    Envelope reader = envelope(DataKeyCachePolicy.defaults());

    for (int i = 0; i < ciphertexts.size(); i++) {
      assertEquals((byte) i, reader.decrypt(ciphertexts.get(i), CONTEXT)[0]);
    }

    assertEquals(new EnvelopeStats(0, 0, 9_999, 1, 1), reader.stats());
    assertEquals(1, counting.unwraps.get());
  }

  // --- decryption ---

  @Test
  void decrypt_maxMessagesThree_fourthDecryptionUnwrapsAgain() {
    byte[] ciphertext = envelope(policy()).encrypt(new byte[5], CONTEXT);
    Envelope reader = envelope(policy().withMaxMessages(3));

    for (int i = 0; i < 3; i++) {
      reader.decrypt(ciphertext, CONTEXT);
    }
    assertEquals(1, counting.unwraps.get());
    reader.decrypt(ciphertext, CONTEXT);

    assertEquals(2, counting.unwraps.get());
    assertEquals(new EnvelopeStats(0, 0, 2, 2, 2), reader.stats());
  }

  @Test
  void decrypt_plaintextTotallingExactlyMaxBytes_sharesDekAndCrossingByteUnwrapsAgain() {
    Envelope writer = envelope(policy());
    byte[] forty = writer.encrypt(new byte[40], CONTEXT);
    byte[] sixty = writer.encrypt(new byte[60], CONTEXT);
    byte[] one = writer.encrypt(new byte[1], CONTEXT);
    Envelope reader = envelope(policy().withMaxBytes(100));

    reader.decrypt(forty, CONTEXT);
    reader.decrypt(sixty, CONTEXT);
    assertEquals(1, counting.unwraps.get());
    reader.decrypt(one, CONTEXT);

    assertEquals(2, counting.unwraps.get());
  }

  @Test
  @Timeout(10) // this looped forever before the fix: the loop could never reserve the message
  void decrypt_singleMessageLargerThanMaxBytes_unwrapsOnceAndKeepsCachedDek() {
    Envelope writer = envelope(policy());
    byte[] small = writer.encrypt(new byte[10], CONTEXT);
    byte[] large = writer.encrypt(new byte[101], CONTEXT);
    Envelope reader = envelope(policy().withMaxBytes(100));
    reader.decrypt(small, CONTEXT);

    assertArrayEquals(new byte[101], reader.decrypt(large, CONTEXT));
    reader.decrypt(small, CONTEXT);

    assertEquals(2, counting.unwraps.get());
  }

  @Test
  void decrypt_justBeforeMaxAge_reusesDekAndAtMaxAge_unwrapsAgain() {
    byte[] ciphertext = envelope(policy()).encrypt(new byte[5], CONTEXT);
    Envelope reader = envelope(policy());
    reader.decrypt(ciphertext, CONTEXT);

    clock.advance(MAX_AGE.minusMillis(1));
    reader.decrypt(ciphertext, CONTEXT);
    assertEquals(1, counting.unwraps.get());
    clock.advance(Duration.ofMillis(1));
    reader.decrypt(ciphertext, CONTEXT);

    assertEquals(2, counting.unwraps.get());
  }

  @Test
  void decrypt_moreDeksThanMaxDecryptionKeys_cachesAtMostTheBound() {
    Envelope writer = envelope(DataKeyCachePolicy.noCaching());
    List<byte[]> ciphertexts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ciphertexts.add(writer.encrypt(new byte[] {(byte) i}, CONTEXT));
    }
    Envelope reader = envelope(policy().withMaxDecryptionKeys(2));
    ciphertexts.forEach(c -> reader.decrypt(c, CONTEXT));
    assertEquals(5, counting.unwraps.get());

    ciphertexts.forEach(c -> reader.decrypt(c, CONTEXT));

    int again = counting.unwraps.get() - 5;
    assertTrue(again >= 3, "at most 2 of 5 DEKs may still be cached, but " + again + " unwrapped");
  }

  @Test
  void decrypt_withinMaxDecryptionKeys_keepsEveryDek() {
    Envelope writer = envelope(DataKeyCachePolicy.noCaching());
    List<byte[]> ciphertexts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ciphertexts.add(writer.encrypt(new byte[] {(byte) i}, CONTEXT));
    }
    Envelope reader = envelope(policy().withMaxDecryptionKeys(3));

    for (int round = 0; round < 3; round++) {
      ciphertexts.forEach(c -> reader.decrypt(c, CONTEXT));
    }

    assertEquals(3, counting.unwraps.get());
  }

  // --- single flight ---

  @Test
  void encrypt_sixteenThreadsOnEmptyCache_generateOnce() throws Exception {
    CountingKeyService slow = new CountingKeyService(keyring, Duration.ofMillis(50));
    Envelope envelope = Envelope.builder().kek(Kek.of(slow, "k")).clock(clock).build();

    List<byte[]> results = runTogether(16, () -> envelope.encrypt(new byte[8], CONTEXT));

    assertEquals(1, slow.generates.get());
    assertEquals(1, envelope.stats().kekCalls());
    byte[] expected = commitment(results.get(0));
    results.forEach(r -> assertArrayEquals(expected, commitment(r)));
    long distinctNonces =
        results.stream()
            .map(r -> Arrays.toString(Arrays.copyOfRange(r, r.length - 8 - 16 - 12, r.length - 24)))
            .distinct()
            .count();
    assertEquals(16, distinctNonces, "every message has its own nonce");
  }

  @Test
  void decrypt_sixteenThreadsOnFreshEnvelope_unwrapOnce() throws Exception {
    byte[] ciphertext = envelope(policy()).encrypt(new byte[] {1, 2, 3}, CONTEXT);
    CountingKeyService slow = new CountingKeyService(keyring, Duration.ofMillis(50));
    Envelope reader = Envelope.builder().kek(Kek.of(slow, "k")).clock(clock).build();

    List<byte[]> results = runTogether(16, () -> reader.decrypt(ciphertext, CONTEXT));

    assertEquals(1, slow.unwraps.get());
    assertEquals(1, reader.stats().kekCalls());
    results.forEach(r -> assertArrayEquals(new byte[] {1, 2, 3}, r));
  }

  /** Starts {@code threads} tasks at once (released by one latch) and returns their results. */
  private static List<byte[]> runTogether(int threads, Callable<byte[]> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<byte[]>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return task.call();
                }));
      }
      assertTrue(ready.await(10, TimeUnit.SECONDS));
      go.countDown();
      List<byte[]> results = new ArrayList<>();
      for (Future<byte[]> f : futures) {
        results.add(f.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
