package dev.strongroom.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The measured per-size provider choice, and the ways to fix a provider. */
class AesGcmProviderChoiceTest {
  private final GcmProvider before = AesGcm.prefer(null);

  @AfterEach
  void restore() {
    AesGcm.prefer(before);
  }

  @Test
  void choice_followsTheMeasuredTableOfThisJdk() {
    boolean accp = ProvidersUnderTest.all().contains(GcmProvider.ACCP);
    int feature = Runtime.version().feature();
    int encryptFrom = !accp ? -1 : feature == 17 ? 1024 : -1;
    int decryptFrom = !accp ? -1 : feature == 17 ? 1024 : feature == 25 ? 65536 : -1;
    for (int length : new int[] {0, 64, 1023, 1024, 4096, 65535, 65536, 1 << 20}) {
      assertEquals(
          encryptFrom >= 0 && length >= encryptFrom ? GcmProvider.ACCP : GcmProvider.JDK,
          AesGcm.providerFor(length, true),
          "encrypt " + length);
      GcmProvider expected =
          decryptFrom >= 0 && length >= decryptFrom ? GcmProvider.ACCP : GcmProvider.JDK;
      assertEquals(expected, AesGcm.providerFor(length, false), "decrypt " + length);
    }
  }

  @Test
  void prefer_fixesTheProviderForEverySize() {
    AesGcm.prefer(GcmProvider.JDK);
    assertEquals(GcmProvider.JDK, AesGcm.providerFor(1 << 20, false));
    if (GcmProvider.ACCP.available()) {
      AesGcm.prefer(GcmProvider.ACCP);
      assertEquals(GcmProvider.ACCP, AesGcm.providerFor(16, true));
    }
  }

  @Test
  void property_parsesAutoJdkAccp_andRejectsAnythingElse() {
    assertNull(AesGcm.fromProperty(null));
    assertNull(AesGcm.fromProperty("AUTO"));
    assertEquals(GcmProvider.JDK, AesGcm.fromProperty("jdk"));
    assertEquals(GcmProvider.ACCP, AesGcm.fromProperty("accp"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AesGcm.fromProperty("bouncy"));
    assertEquals(
        "expected strongroom.crypto.provider to be auto, jdk or accp but was bouncy",
        e.getMessage());
  }
}
