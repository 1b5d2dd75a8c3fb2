package dev.strongroom.envelope;

import dev.strongroom.internal.crypto.GcmProvider;
import org.jspecify.annotations.Nullable;

/**
 * Which JCA provider runs an envelope's AES-GCM for single-shot messages. Both produce the same
 * bytes (AES-GCM is deterministic), so the choice changes speed, never the format: a message sealed
 * on one opens on the other. Immutable.
 */
public enum CryptoProvider {
  /**
   * Per message, whichever is faster for its size on the running JDK, as measured (the default):
   * Amazon Corretto Crypto Provider where it is on the class path and faster, else the JDK's. The
   * system property {@code strongroom.crypto.provider} ({@code auto}, {@code jdk}, {@code accp})
   * fixes the choice for every envelope left at AUTO.
   */
  AUTO(null),
  /** The JDK's own provider (SunJCE, with its AES-NI intrinsics), whatever the size. */
  JDK(GcmProvider.JDK),
  /**
   * Amazon Corretto Crypto Provider (AWS-LC), whatever the size. Building an envelope or a room
   * with it fails, saying why, unless {@link #available()}.
   */
  ACCP(GcmProvider.ACCP);

  private final @Nullable GcmProvider gcm;

  CryptoProvider(@Nullable GcmProvider gcm) {
    this.gcm = gcm;
  }

  /** Whether it can run here: ACCP only when its jar is present and its native library loads. */
  public boolean available() {
    return gcm == null || gcm.available();
  }

  /** The provider to fix, or null for AUTO; fails if it is not available. */
  @Nullable GcmProvider fixed() {
    if (gcm != null && !gcm.available()) {
      throw new IllegalStateException(
          "expected Amazon Corretto Crypto Provider to be usable but " + GcmProvider.accpProblem());
    }
    return gcm;
  }
}
