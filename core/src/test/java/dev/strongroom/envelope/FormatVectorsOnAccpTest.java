package dev.strongroom.envelope;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strongroom.internal.crypto.AesGcm;
import dev.strongroom.internal.crypto.GcmProvider;
import dev.strongroom.internal.crypto.ProvidersUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every format-vector check of {@link EnvelopeFormatVectorsTest} with AES-GCM on ACCP (a failure
 * where ACCP should load, skipped on machines its native library is not built for).
 */
class FormatVectorsOnAccpTest extends EnvelopeFormatVectorsTest {
  private static GcmProvider before;

  @BeforeAll
  static void useAccp() {
    assumeTrue(ProvidersUnderTest.all().contains(GcmProvider.ACCP), "no ACCP for this machine");
    before = AesGcm.prefer(GcmProvider.ACCP);
  }

  @AfterAll
  static void restore() {
    AesGcm.prefer(before);
  }
}
