package dev.strongroom.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The nonce source: fresh, never handed out twice, and never using kernel bytes past 100 ms. */
class NoncesTest {
  private static final int N = AesGcm.NONCE_LENGTH;

  @Test
  void shared_100000Nonces_areAllDistinctAndNotZero() {
    Set<ByteBuffer> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      byte[] nonce = new byte[N];
      Nonces.fill(nonce, 0);
      assertTrue(seen.add(ByteBuffer.wrap(nonce)), "repeated nonce at " + i);
    }
    assertTrue(!seen.contains(ByteBuffer.wrap(new byte[N])));
  }

  @Test
  void buffer_isReadAgainWhenUsedUp_olderThan100ms_orWhenTheClockGoesBack() {
    AtomicInteger reads = new AtomicInteger();
    AtomicLong now = new AtomicLong(1_000);
    Nonces nonces =
        new Nonces(
            bytes -> {
              reads.incrementAndGet();
              java.util.Arrays.fill(bytes, (byte) reads.get());
            },
            now::get,
            1);
    byte[] out = new byte[N];
    for (int i = 0; i < Nonces.BATCH; i++) {
      nonces.next(out, 0);
    }
    assertEquals(1, reads.get(), "one read serves a batch");
    nonces.next(out, 0);
    assertEquals(2, reads.get(), "a used-up buffer is read again");
    now.addAndGet(Nonces.MAX_AGE_MILLIS - 1);
    nonces.next(out, 0);
    assertEquals(2, reads.get(), "99 ms old: still used");
    now.addAndGet(1);
    nonces.next(out, 0);
    assertEquals(3, reads.get(), "100 ms old: read again");
    now.addAndGet(-5_000);
    nonces.next(out, 0);
    assertEquals(4, reads.get(), "clock set back: read again");
  }

  /**
   * A process image restored twice: copies of the generator with the same buffered bytes. Resumed
   * more than 100 ms of wall clock later, they share no nonce; resumed at once, they would (the
   * control, which shows that this test can see a repeat).
   */
  @Test
  void restoredTwice_laterThan100ms_copiesShareNoNonce_butAtOnceTheyWould() {
    AtomicLong now = new AtomicLong(10_000);
    Nonces original = new Nonces(Nonces::readKernel, now::get, 1);
    byte[] out = new byte[N];
    original.next(out, 0);

    long later = now.get() + Nonces.MAX_AGE_MILLIS;
    Set<ByteBuffer> first = draw(original.snapshotCopy(() -> later), 1_000);
    Set<ByteBuffer> second = draw(original.snapshotCopy(() -> later), 1_000);
    first.retainAll(second);
    assertEquals(Set.of(), first);

    long soon = now.get() + 1;
    byte[] a = new byte[N];
    byte[] b = new byte[N];
    original.snapshotCopy(() -> soon).next(a, 0);
    original.snapshotCopy(() -> soon).next(b, 0);
    assertArrayEquals(a, b, "within 100 ms the copies reuse the buffered bytes, as NativePRNG's");
  }

  private static Set<ByteBuffer> draw(Nonces nonces, int count) {
    Set<ByteBuffer> out = new HashSet<>();
    for (int i = 0; i < count; i++) {
      byte[] nonce = new byte[N];
      nonces.next(nonce, 0);
      out.add(ByteBuffer.wrap(nonce));
    }
    return out;
  }
}
