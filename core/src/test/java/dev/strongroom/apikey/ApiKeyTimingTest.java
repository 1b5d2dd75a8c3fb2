package dev.strongroom.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.Strongroom;
import dev.strongroom.apikey.Verification.Outcome;
import dev.strongroom.testkit.ApiKeyContractAccess;
import dev.strongroom.testkit.MutableClock;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Verification time does not depend on where a presented key first differs from the real one,
 * measured statistically: the medians of many timings of keys that differ at the first character of
 * the secret and keys that differ at its last one (both with valid checksums, so both reach the
 * HMAC comparison) must be within 20% in at least one of several rounds. A loose bound on purpose:
 * it catches an early-exit comparison (which would differ by far more on a 32-byte hash only if the
 * raw key were compared; the point is that no code path depends on the position), and taking the
 * best of several rounds keeps a busy machine from making it flaky.
 */
class ApiKeyTimingTest {
  private static final int ROUNDS = 7;
  private static final int SAMPLES = 4_001;

  @Test
  void verify_timeIndependentOfFirstDifferencePosition() {
    MutableClock clock = MutableClock.create();
    try (Strongroom room = Strongroom.builder().uri("memory:").clock(clock).build()) {
      ApiKeys keys = room.apiKeys();
      char[] real = keys.issue(IssueRequest.builder("live").build()).key().copyChars();
      int secretAt = real.length - 49;
      char[] early = differAt(real, secretAt);
      char[] late = differAt(real, real.length - 7);
      assertEquals(Outcome.INVALID, keys.verify(early).outcome());
      assertEquals(Outcome.INVALID, keys.verify(late).outcome());
      for (int i = 0; i < 20_000; i++) {
        keys.verify(early);
        keys.verify(late);
      }

      double best = Double.MAX_VALUE;
      for (int round = 0; round < ROUNDS && best > 0.20; round++) {
        long[] e = new long[SAMPLES];
        long[] l = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
          e[i] = time(keys, early);
          l[i] = time(keys, late);
        }
        double me = median(e);
        double ml = median(l);
        best = Math.min(best, Math.abs(me - ml) / Math.min(me, ml));
      }
      assertTrue(best <= 0.20, "medians differ by " + Math.round(best * 100) + "%");
    }
  }

  private static long time(ApiKeys keys, char[] key) {
    long start = System.nanoTime();
    keys.verify(key);
    return System.nanoTime() - start;
  }

  private static char[] differAt(char[] key, int position) {
    char[] copy = key.clone();
    copy[position] = copy[position] == 'Z' ? 'Y' : 'Z';
    ApiKeyContractAccess.fixChecksum(copy);
    return copy;
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
