package dev.strongroom.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strongroom.envelope.EnvelopeStats;
import org.junit.jupiter.api.Test;

class KekCallsCounterTest {
  @Test
  void count_defaultPolicy_oneKekCallPerDirection() {
    EnvelopeStats[] stats = KekCallsCounter.count(20_000, 64);

    assertEquals(1, stats[0].kekCalls());
    assertEquals(19_999, stats[0].encryptHits());
    assertEquals(1, stats[1].kekCalls());
    assertEquals(19, stats[1].decryptHits());
  }
}
