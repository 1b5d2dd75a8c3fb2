package dev.strongroom.envelope;

import dev.strongroom.internal.crypto.AesGcm;
import dev.strongroom.internal.crypto.GcmProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Every format-vector check of {@link EnvelopeFormatVectorsTest} with AES-GCM on SunJCE. */
class FormatVectorsOnJdkTest extends EnvelopeFormatVectorsTest {
  private static GcmProvider before;

  @BeforeAll
  static void useJdk() {
    before = AesGcm.prefer(GcmProvider.JDK);
  }

  @AfterAll
  static void restore() {
    AesGcm.prefer(before);
  }
}
