package dev.strongroom.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

/**
 * The AES-GCM providers every provider-sensitive test runs on. ACCP is an optional dependency on
 * core's test class path; its native library is for x86-64 Linux, where its absence is a failure,
 * not a skip.
 */
public final class ProvidersUnderTest {
  private ProvidersUnderTest() {}

  /** JDK, and ACCP where its native library is built for the machine. */
  public static List<GcmProvider> all() {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    boolean accpBuiltHere = os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    if (!accpBuiltHere) {
      return List.of(GcmProvider.JDK);
    }
    assertTrue(GcmProvider.ACCP.available(), "ACCP must load here: " + GcmProvider.accpProblem());
    return List.of(GcmProvider.JDK, GcmProvider.ACCP);
  }
}
