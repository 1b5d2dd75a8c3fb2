package dev.strongroom.internal.crypto;

import java.security.Provider;

/**
 * The JCA providers {@link AesGcm} can run on: the JDK's own (SunJCE, with its AES-NI/VAES
 * intrinsics) and Amazon Corretto Crypto Provider (ACCP, AWS-LC through JNI) when it is on the
 * class path and its native library loads. Both produce the same bytes for the same key, nonce,
 * associated data and plaintext: AES-GCM is deterministic.
 *
 * <p>Immutable and thread-safe. ACCP is looked up once, by reflection, so that core needs it
 * neither to compile against nor at run time.
 */
public enum GcmProvider {
  /** The JDK's default provider for {@code AES/GCM/NoPadding} (SunJCE). */
  JDK,
  /** Amazon Corretto Crypto Provider, if {@link #available()}. */
  ACCP;

  private static final String ACCP_CLASS =
      "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

  /** ACCP's provider instance, or null if it is absent or failed to load. */
  private static final Provider ACCP_PROVIDER;

  /** Why ACCP is unavailable, for error messages; null when it is available. */
  private static final String ACCP_PROBLEM;

  static {
    Provider provider = null;
    String problem;
    try {
      Class<?> type = Class.forName(ACCP_CLASS, true, GcmProvider.class.getClassLoader());
      Provider candidate = (Provider) type.getField("INSTANCE").get(null);
      Object loadingError = type.getMethod("getLoadingError").invoke(candidate);
      if (loadingError == null) {
        provider = candidate;
        problem = null;
      } else {
        problem = "its native library did not load: " + loadingError;
      }
    } catch (ClassNotFoundException e) {
      problem = "it is not on the class path";
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      problem = "it failed to initialise: " + e;
    }
    ACCP_PROVIDER = provider;
    ACCP_PROBLEM = problem;
  }

  /** Whether this provider can run here (the JDK always can). */
  public boolean available() {
    return this == JDK || ACCP_PROVIDER != null;
  }

  /**
   * The JCA provider to ask for a {@code Cipher}, or null for the JDK's default provider list.
   *
   * @throws IllegalStateException if this is ACCP and ACCP is not available, saying why
   */
  Provider jcaProvider() {
    if (this == JDK) {
      return null;
    }
    if (ACCP_PROVIDER == null) {
      throw new IllegalStateException(
          "Amazon Corretto Crypto Provider was chosen but " + ACCP_PROBLEM);
    }
    return ACCP_PROVIDER;
  }

  /** Why ACCP is not available, or an empty string if it is. */
  public static String accpProblem() {
    return ACCP_PROBLEM == null ? "" : ACCP_PROBLEM;
  }
}
