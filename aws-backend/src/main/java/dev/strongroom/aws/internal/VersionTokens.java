package dev.strongroom.aws.internal;

/**
 * How our version numbers live in Secrets Manager: version {@code n} of a secret is the Secrets
 * Manager version whose VersionId (the {@code ClientRequestToken} it was written with) is {@code
 * "strongroom-v"} followed by {@code n} as 20 decimal digits, 32 characters in all (the minimum
 * token length).
 *
 * <p>Why the token: it is the one per-version field Secrets Manager keeps that we choose (tags and
 * the description belong to the whole secret), it is returned by every read, and it makes writes
 * idempotent and check-and-set: writing version {@code n+1} twice with different values fails with
 * {@code ResourceExistsException}, so of two writers who both saw version {@code n} exactly one
 * wins. Versions written by other tools (random UUIDs) have no number: {@link #parse} returns 0.
 *
 * <p>Stateless; thread-safe.
 */
final class VersionTokens {
  static final String PREFIX = "strongroom-v";
  private static final int DIGITS = 20;

  private VersionTokens() {}

  /** The VersionId of version {@code number}. */
  static String token(long number) {
    if (number < 1) {
      throw new IllegalArgumentException("expected a version >= 1 but was " + number);
    }
    String digits = Long.toString(number);
    return PREFIX + "0".repeat(DIGITS - digits.length()) + digits;
  }

  /** The version number a VersionId stands for, or 0 if it is not one of ours. */
  static long parse(String versionId) {
    if (versionId == null
        || versionId.length() != PREFIX.length() + DIGITS
        || !versionId.startsWith(PREFIX)) {
      return 0;
    }
    for (int i = PREFIX.length(); i < versionId.length(); i++) {
      char c = versionId.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
    }
    try {
      return Long.parseLong(versionId.substring(PREFIX.length()));
    } catch (NumberFormatException e) {
      return 0; // more than Long.MAX_VALUE
    }
  }
}
