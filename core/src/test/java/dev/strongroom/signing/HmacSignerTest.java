package dev.strongroom.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strongroom.SecretRotator;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.signing.HmacSigner.Match;
import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.MutableClock;
import dev.strongroom.testkit.NonClosingBackend;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HmacSignerTest {
  private static final String NAME = "webhooks/signing";
  private static final byte[] BODY = "{\"event\":\"paid\"}".getBytes(StandardCharsets.UTF_8);
  private static final Duration OVERLAP = Duration.ofHours(1);

  private final MutableClock clock = MutableClock.create();
  private final Strongroom room =
      Strongroom.builder()
          .backend(MemoryBackend.create(clock))
          .clock(clock)
          .executor(Runnable::run)
          .build();
  private final HmacSigner signer = HmacSigner.of(room, NAME, "HmacSHA256", OVERLAP, clock);

  @AfterEach
  void close() {
    room.close();
  }

  private static byte[] hmac(String key, byte[] message) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return mac.doFinal(message);
  }

  private void rotateTo(String key) {
    room.rotate(
        NAME,
        new SecretRotator() {
          @Override
          public SecretValue generate(SecretValue current) {
            return SecretValue.ofUtf8(key);
          }
        });
  }

  @Test
  void sign_usesCurrent_andVerifiesAsCurrent() throws Exception {
    room.put(NAME, SecretValue.ofUtf8("key-one"));
    byte[] signature = signer.sign(BODY);
    assertArrayEquals(hmac("key-one", BODY), signature);
    assertEquals(Match.CURRENT, signer.verify(BODY, signature));
  }

  @Test
  void afterRotation_oldKeyAcceptedAsPreviousWithinWindow_newKeyAsCurrent() throws Exception {
    room.put(NAME, SecretValue.ofUtf8("key-one"));
    assertEquals(Match.CURRENT, signer.verify(BODY, hmac("key-one", BODY)));
    rotateTo("key-two");
    assertEquals(Match.PREVIOUS, signer.verify(BODY, hmac("key-one", BODY)));
    assertEquals(Match.CURRENT, signer.verify(BODY, hmac("key-two", BODY)));
    assertArrayEquals(hmac("key-two", BODY), signer.sign(BODY));
  }

  @Test
  void previousKey_refusedOnceTheWindowCloses() throws Exception {
    room.put(NAME, SecretValue.ofUtf8("key-one"));
    rotateTo("key-two");
    clock.advance(OVERLAP.minusSeconds(1));
    assertEquals(Match.PREVIOUS, signer.verify(BODY, hmac("key-one", BODY)));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Match.NONE, signer.verify(BODY, hmac("key-one", BODY)));
    assertEquals(Match.CURRENT, signer.verify(BODY, hmac("key-two", BODY)));
  }

  @Test
  void keyTwoRotationsOld_refusedEvenInsideTheWindow() throws Exception {
    room.put(NAME, SecretValue.ofUtf8("key-one"));
    rotateTo("key-two");
    rotateTo("key-three");
    assertEquals(Match.NONE, signer.verify(BODY, hmac("key-one", BODY)));
    assertEquals(Match.PREVIOUS, signer.verify(BODY, hmac("key-two", BODY)));
  }

  @Test
  void forgedOrTamperedSignatures_areRefused() throws Exception {
    room.put(NAME, SecretValue.ofUtf8("key-one"));
    byte[] good = hmac("key-one", BODY);
    byte[] flipped = good.clone();
    flipped[flipped.length - 1] ^= 1;
    byte[] tamperedBody = BODY.clone();
    tamperedBody[0] ^= 1;
    assertEquals(Match.NONE, signer.verify(BODY, flipped));
    assertEquals(Match.NONE, signer.verify(tamperedBody, good));
    assertEquals(Match.NONE, signer.verify(BODY, hmac("attacker", BODY)));
    assertEquals(Match.NONE, signer.verify(BODY, new byte[0]));
    assertEquals(Match.NONE, signer.verify(BODY, java.util.Arrays.copyOf(good, 16)));
    assertFalse(Match.NONE.valid());
  }

  @Test
  void keyRotatedByAnotherInstance_acceptedBeforeThisRoomsCacheRefreshes_recheckRateLimited()
      throws Exception {
    Backend shared = MemoryBackend.create(clock);
    try (Strongroom here = slowRoom(shared);
        Strongroom there = slowRoom(shared)) {
      here.put(NAME, SecretValue.ofUtf8("key-one"));
      HmacSigner verifier = HmacSigner.of(here, NAME, "HmacSHA256", OVERLAP, clock);
      assertEquals(Match.CURRENT, verifier.verify(BODY, hmac("key-one", BODY)));
      assertEquals(Match.NONE, verifier.verify(BODY, hmac("attacker", BODY))); // uses the recheck
      there.put(NAME, SecretValue.ofUtf8("key-two")); // the other instance rotates and signs
      // within the same second the recheck is spent: the cached CURRENT is all this room knows
      assertEquals(Match.NONE, verifier.verify(BODY, hmac("key-two", BODY)));
      clock.advance(HmacSigner.RECHECK);
      assertEquals(Match.CURRENT, verifier.verify(BODY, hmac("key-two", BODY)));
      assertEquals(Match.CURRENT, verifier.verify(BODY, hmac("key-one", BODY)));
      assertEquals("key-one", here.secret(NAME).copyUtf8String()); // the cache still lags
    }
  }

  private Strongroom slowRoom(Backend shared) {
    return Strongroom.builder()
        .backend(NonClosingBackend.of(shared))
        .clock(clock)
        .executor(Runnable::run)
        .refreshAfter(Duration.ofHours(1))
        .maxStaleness(Duration.ofHours(2))
        .build();
  }

  @Test
  void zeroOverlap_acceptsCurrentOnly() throws Exception {
    HmacSigner strict = HmacSigner.of(room, NAME, "HmacSHA256", Duration.ZERO, clock);
    room.put(NAME, SecretValue.ofUtf8("key-one"));
    rotateTo("key-two");
    assertEquals(Match.NONE, strict.verify(BODY, hmac("key-one", BODY)));
    assertEquals(Match.CURRENT, strict.verify(BODY, hmac("key-two", BODY)));
  }

  @Test
  void badArguments_areRefusedClearly() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HmacSigner.of(room, NAME, "HmacMD5", OVERLAP, clock));
    assertEquals(
        "expected an algorithm in [HmacSHA256, HmacSHA384, HmacSHA512] but was HmacMD5",
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> HmacSigner.of(room, NAME, "HmacSHA256", Duration.ofSeconds(-1), clock));
  }

  @Test
  void toStringAndErrors_neverShowTheKey() {
    String canary = "canary-signing-key-5b1f";
    room.put(NAME, SecretValue.ofUtf8(canary));
    signer.verify(BODY, new byte[32]);
    assertFalse(signer.toString().contains(canary));
    room.put(NAME, SecretValue.of(new byte[0]));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> signer.sign(BODY));
    assertFalse(e.getMessage().contains(canary));
  }
}
