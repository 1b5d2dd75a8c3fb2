package dev.strongroom.testkit;

/** Test helpers around API keys for tests in other packages. Stateless. */
public final class ApiKeyContractAccess {
  private ApiKeyContractAccess() {}

  /** Recomputes the checksum of a key after a change, so that it is well-formed again. */
  public static void fixChecksum(char[] key) {
    ApiKeyContract.fixChecksum(key);
  }
}
