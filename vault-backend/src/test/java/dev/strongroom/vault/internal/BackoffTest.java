package dev.strongroom.vault.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = Backoff.of(Duration.ofMillis(100), Duration.ofSeconds(2));

  @Test
  void delay_doublesWithinJitterBounds() {
    assertEquals(Duration.ofMillis(50), backoff.delay(1, 0.0));
    assertEquals(Duration.ofMillis(100), backoff.delay(2, 0.0));
    assertEquals(Duration.ofMillis(200), backoff.delay(3, 0.0));
    assertEquals(Duration.ofMillis(300), backoff.delay(3, 0.5));
  }

  @Test
  void delay_manyAttempts_isCapped() {
    assertEquals(Duration.ofSeconds(1), backoff.delay(40, 0.0));
    assertEquals(Duration.ofSeconds(2), backoff.delay(1000, 1.0));
  }

  @Test
  void of_maxBelowInitial_isRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Backoff.of(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> backoff.delay(0, 0.5));
  }
}
