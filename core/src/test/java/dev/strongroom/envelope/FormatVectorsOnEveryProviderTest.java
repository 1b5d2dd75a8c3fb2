package dev.strongroom.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strongroom.internal.crypto.AesGcm;
import dev.strongroom.internal.crypto.GcmProvider;
import dev.strongroom.internal.crypto.ProvidersUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed format vectors are exactly what {@link FormatVectorGenerator} writes through the
 * public {@link Envelope} with AES-GCM fixed on each provider: the same bytes on SunJCE and ACCP.
 * (Decryption of every vector on each provider: {@link FormatVectorsOnJdkTest}, {@link
 * FormatVectorsOnAccpTest}.)
 */
class FormatVectorsOnEveryProviderTest {
  private final GcmProvider before = AesGcm.prefer(null);

  @AfterEach
  void restore() {
    AesGcm.prefer(before);
  }

  static List<GcmProvider> providers() {
    return ProvidersUnderTest.all();
  }

  @ParameterizedTest
  @MethodSource("providers")
  void generator_onProvider_reproducesTheCommittedVectorsByteForByte(
      GcmProvider provider, @TempDir Path dir) throws Exception {
    AesGcm.prefer(provider);
    Path out = dir.resolve("envelope_v1.json");
    FormatVectorGenerator.main(new String[] {out.toString()});
    String committed;
    try (var in = getClass().getResourceAsStream("/vectors/envelope_v1.json")) {
      committed = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    assertEquals(committed.strip(), Files.readString(out).strip(), "vectors on " + provider);
  }
}
