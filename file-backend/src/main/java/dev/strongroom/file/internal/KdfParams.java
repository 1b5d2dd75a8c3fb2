package dev.strongroom.file.internal;

/**
 * Argon2id parameters. The defaults (64 MiB, 3 passes, 1 lane) are above OWASP's minimum (19 MiB, 2
 * passes, 1 lane). Bounded (at most 1 GiB, 16 passes, 16 lanes) so that a hostile store header
 * cannot make opening hang or exhaust memory. Immutable.
 *
 * @param memoryKiB memory in KiB
 * @param iterations passes over memory
 * @param parallelism lanes
 */
public record KdfParams(int memoryKiB, int iterations, int parallelism) {
  /** OWASP's minimum memory for Argon2id with two passes. */
  public static final int MIN_MEMORY_KIB = 19 * 1024;

  /** The most Argon2id memory accepted, from a caller or a store header: 1 GiB. */
  public static final int MAX_MEMORY_KIB = 1024 * 1024;

  /** The most Argon2id passes accepted. */
  public static final int MAX_ITERATIONS = 16;

  /** Checks the fields. */
  public KdfParams {
    if (memoryKiB < 8 * parallelism
        || iterations < 1
        || iterations > MAX_ITERATIONS
        || parallelism < 1
        || parallelism > 16) {
      throw new IllegalArgumentException(
          "expected sane Argon2id parameters but was m="
              + memoryKiB
              + " t="
              + iterations
              + " p="
              + parallelism);
    }
    if (memoryKiB > MAX_MEMORY_KIB) {
      throw new IllegalArgumentException(
          "expected at most 1 GiB of Argon2id memory but was " + memoryKiB + " KiB");
    }
  }

  /** 64 MiB, 3 passes, 1 lane. */
  public static KdfParams defaults() {
    return new KdfParams(64 * 1024, 3, 1);
  }

  /** Whether these meet OWASP's minimum recommendation. */
  public boolean meetsOwaspMinimum() {
    return memoryKiB >= MIN_MEMORY_KIB && iterations >= 2;
  }
}
