package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.internal.envelope.EnvelopeHeader;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.testkit.MutableClock;
import dev.strongroom.testkit.NonClosingBackend;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 7: after a rotation made outside the room (a native Transit or KMS rotation, here
 * the key service called directly), the room encrypts under the new primary version within the
 * bound it was built with (60 s default), measured on the room's clock; before, it kept the old
 * version for the DEK cache's age (5 minutes).
 */
class PrimaryVersionPickupTest {
  private final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  private final MemoryBackend backend = MemoryBackend.create(clock);
  private final KeyEncryptionService keys = backend.keys();
  private final EncryptionContext context = EncryptionContext.of("purpose", "pickup");
  private Strongroom room;

  @AfterEach
  void close() {
    room.close();
  }

  private Strongroom room(Duration bound) {
    Strongroom.Builder builder =
        Strongroom.builder().backend(NonClosingBackend.of(backend)).clock(clock);
    if (bound != null) {
      builder.keyCheckInterval(bound);
    }
    room = builder.build();
    return room; // the memory backend has its default key
  }

  private int version(byte[] ciphertext) {
    EnvelopeHeader.Recipient recipient = EnvelopeHeader.parse(ciphertext).recipients().get(0);
    return keys.wrappedVersion(recipient.wrapped()).orElseThrow();
  }

  private int encryptAfter(Duration elapsed) {
    clock.advance(elapsed);
    return version(room.encrypt(new byte[] {1, 2, 3}, context));
  }

  @Test
  void defaultBound_nativeRotation_pickedUpWithin60Seconds() {
    room(null);
    assertEquals(1, encryptAfter(Duration.ZERO));
    clock.advance(Duration.ofSeconds(60)); // the first check records the primary version
    assertEquals(1, encryptAfter(Duration.ZERO));
    keys.rotate("default"); // natively: the room is not told
    assertEquals(1, encryptAfter(Duration.ofSeconds(59)));
    assertEquals(2, encryptAfter(Duration.ofSeconds(1)));
  }

  @Test
  void userBound_nativeRotation_pickedUpWithinTheBound() {
    room(Duration.ofSeconds(5));
    assertEquals(1, encryptAfter(Duration.ZERO));
    keys.rotate("default");
    assertEquals(1, encryptAfter(Duration.ofMillis(4_999)));
    assertEquals(2, encryptAfter(Duration.ofMillis(1)));
    keys.rotate("default");
    assertEquals(2, encryptAfter(Duration.ofSeconds(4)));
    assertEquals(3, encryptAfter(Duration.ofSeconds(1)));
  }

  @Test
  void keyCheckInterval_notPositive_refused() {
    room(null);
    assertThrows(
        IllegalArgumentException.class, () -> Strongroom.builder().keyCheckInterval(Duration.ZERO));
  }
}
