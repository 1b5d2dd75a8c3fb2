package dev.strongroom.apikey;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.Strongroom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A JMH-free sanity count of cached verifications per second on one thread (the JMH benchmark lives
 * in the benchmarks module). Soak: timing on a shared machine is not a unit test.
 */
@Tag("soak")
class ApiKeyThroughputTest {
  @Test
  void cachedVerification_throughputPrinted() {
    try (Strongroom room = Strongroom.open("memory:")) {
      ApiKeys keys = room.apiKeys();
      char[] key = keys.issue(IssueRequest.builder("live").build()).key().copyChars();
      long best = 0;
      for (int round = 0; round < 8; round++) {
        long n = 0;
        long end = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) {
          for (int i = 0; i < 1000; i++) {
            if (!keys.verify(key).valid()) {
              throw new AssertionError("expected a valid key");
            }
          }
          n += 1000;
        }
        best = Math.max(best, n);
        System.out.println("api key verifications/s, round " + round + ": " + n);
      }
      assertTrue(best > 100_000, "verifications/s: " + best);
    }
  }
}
