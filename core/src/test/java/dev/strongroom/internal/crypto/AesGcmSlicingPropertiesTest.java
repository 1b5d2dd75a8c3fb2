package dev.strongroom.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Large messages are sealed in {@link AesGcm#SLICE_LENGTH} slices on the JDK's provider: the bytes
 * must be exactly those of one {@code doFinal} on a fresh JDK {@code Cipher} (computed here without
 * AesGcm), on either provider, sliced or not, for every length around the slice boundaries; and
 * they must open on either provider, and fail to open when altered.
 */
class AesGcmSlicingPropertiesTest {
  private static final int SLICE = AesGcm.SLICE_LENGTH;
  private static final byte[] EMPTY = new byte[0];

  @Provide
  Arbitrary<Integer> lengths() {
    List<Integer> edges = new ArrayList<>();
    for (int k = 1; k <= 3; k++) {
      for (int d : new int[] {-17, -16, -1, 0, 1, 15, 16, 17}) {
        edges.add(k * SLICE + d);
      }
    }
    return Arbitraries.oneOf(
        Arbitraries.of(edges), Arbitraries.integers().between(0, 3 * SLICE + 4096));
  }

  @Property(tries = 120)
  void everyWayOfSealing_givesTheBytesOfOneJdkCall(@ForAll("lengths") int length, @ForAll long seed)
      throws Exception {
    Random random = new Random(seed);
    SecretKey key = new SecretKeySpec(bytes(random, 32), "AES");
    byte[] nonce = bytes(random, 12);
    byte[] aad = bytes(random, random.nextInt(40));
    byte[] extra = bytes(random, random.nextInt(3) == 0 ? 0 : random.nextInt(30));
    int inOff = random.nextInt(5);
    int outOff = random.nextInt(5);
    byte[] in = bytes(random, inOff + length);

    byte[] expected = referenceSeal(key, nonce, aad, extra, in, inOff, length);
    byte[] plaintext = Arrays.copyOfRange(in, inOff, inOff + length);
    for (GcmProvider provider : providers()) {
      for (boolean sliced : new boolean[] {true, false}) {
        String way = provider + " sliced=" + sliced + " length=" + length;
        forgetLastNonce(provider);
        byte[] out = new byte[outOff + length + AesGcm.TAG_LENGTH];
        int n =
            AesGcm.encrypt(
                provider,
                sliced,
                key,
                nonce,
                0,
                aad,
                0,
                aad.length,
                extra,
                in,
                inOff,
                length,
                out,
                outOff);
        assertEquals(length + AesGcm.TAG_LENGTH, n, way);
        assertArrayEquals(expected, Arrays.copyOfRange(out, outOff, out.length), way);
      }
      for (boolean sliced : slicings(provider)) {
        String way = provider + " sliced decryption=" + sliced + " length=" + length;
        byte[] back = new byte[outOff + length];
        assertEquals(
            length, open(provider, sliced, key, nonce, aad, extra, expected, back, outOff));
        assertArrayEquals(plaintext, Arrays.copyOfRange(back, outOff, back.length), way);

        byte[] altered = expected.clone();
        altered[random.nextInt(altered.length)] ^= (byte) (1 << random.nextInt(8));
        byte[] target = new byte[length];
        assertThrows(
            AEADBadTagException.class,
            () -> open(provider, sliced, key, nonce, aad, extra, altered, target, 0),
            way);
        assertArrayEquals(new byte[length], target, "no plaintext released: " + way);
        byte[] otherAad = Arrays.copyOf(aad, aad.length + 1);
        assertThrows(
            AEADBadTagException.class,
            () -> open(provider, sliced, key, nonce, otherAad, extra, expected, target, 0),
            way);
        byte[] otherNonce = nonce.clone();
        otherNonce[11] ^= 1;
        assertThrows(
            AEADBadTagException.class,
            () -> open(provider, sliced, key, otherNonce, aad, extra, expected, target, 0),
            way);
      }
    }
  }

  /**
   * The thread's Cipher refuses to encrypt under the key and nonce it encrypted under last (a guard
   * against nonce reuse); this test re-encrypts on purpose, so it moves the Cipher on first.
   */
  static void forgetLastNonce(GcmProvider provider) {
    byte[] sink = new byte[AesGcm.TAG_LENGTH];
    byte[] fresh = new byte[32];
    new java.security.SecureRandom().nextBytes(fresh);
    AesGcm.encrypt(
        provider,
        false,
        new SecretKeySpec(fresh, "AES"),
        fresh,
        0,
        EMPTY,
        0,
        0,
        EMPTY,
        EMPTY,
        0,
        0,
        sink,
        0);
  }

  private static int open(
      GcmProvider provider,
      boolean sliced,
      SecretKey key,
      byte[] nonce,
      byte[] aad,
      byte[] extra,
      byte[] sealed,
      byte[] out,
      int outOff)
      throws AEADBadTagException {
    return AesGcm.decrypt(
        provider,
        sliced,
        key,
        nonce,
        0,
        aad,
        0,
        aad.length,
        extra,
        sealed,
        0,
        sealed.length,
        out,
        outOff);
  }

  @Example
  void publicDecrypt_ofTwoMegabytes_opensAndRejectsATamperedLastByte() throws Exception {
    Random random = new Random(8);
    SecretKey key = new SecretKeySpec(bytes(random, 32), "AES");
    byte[] nonce = bytes(random, 12);
    byte[] in = bytes(random, 2 * 1024 * 1024 + 3);
    byte[] sealed = referenceSeal(key, nonce, EMPTY, EMPTY, in, 0, in.length);
    byte[] out = new byte[in.length];
    AesGcm.decrypt(key, nonce, 0, EMPTY, 0, 0, EMPTY, sealed, 0, sealed.length, out, 0);
    assertArrayEquals(in, out);
    sealed[sealed.length - 1] ^= 1;
    assertThrows(
        AEADBadTagException.class,
        () ->
            AesGcm.decrypt(
                key,
                nonce,
                0,
                EMPTY,
                0,
                0,
                EMPTY,
                sealed,
                0,
                sealed.length,
                new byte[in.length],
                0));
  }

  @Example
  void publicEncrypt_ofTwoMegabytes_equalsOneJdkCall_whateverTheChoice() throws Exception {
    Random random = new Random(7);
    SecretKey key = new SecretKeySpec(bytes(random, 32), "AES");
    byte[] nonce = bytes(random, 12);
    byte[] in = bytes(random, 2 * 1024 * 1024 + 5);
    byte[] expected = referenceSeal(key, nonce, EMPTY, EMPTY, in, 0, in.length);
    byte[] out = new byte[in.length + AesGcm.TAG_LENGTH];
    AesGcm.encrypt(key, nonce, 0, EMPTY, 0, 0, EMPTY, in, 0, in.length, out, 0);
    assertArrayEquals(expected, out);
  }

  /** Decryption is sliced (two passes) on the JDK's provider only. */
  static boolean[] slicings(GcmProvider provider) {
    return provider == GcmProvider.JDK ? new boolean[] {false, true} : new boolean[] {false};
  }

  /** Both providers where ACCP loads (it must, on the x86-64 Linux build machines). */
  static List<GcmProvider> providers() {
    return ProvidersUnderTest.all();
  }

  private static byte[] referenceSeal(
      SecretKey key, byte[] nonce, byte[] aad, byte[] extra, byte[] in, int off, int len)
      throws Exception {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    cipher.updateAAD(aad);
    cipher.updateAAD(extra);
    return cipher.doFinal(in, off, len);
  }

  private static byte[] bytes(Random random, int length) {
    byte[] out = new byte[length];
    random.nextBytes(out);
    return out;
  }
}
