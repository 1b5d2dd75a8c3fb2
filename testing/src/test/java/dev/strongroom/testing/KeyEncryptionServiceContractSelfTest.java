package dev.strongroom.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strongroom.kek.LocalKeyring;
import dev.strongroom.testkit.StaticKek;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** Issue 11 item 10: the key-service contract catches a plug-in that returns a fixed data key. */
class KeyEncryptionServiceContractSelfTest {
  private static final String KEY = "00".repeat(32);

  @Test
  void fixedDataKeyService_failsTheFreshKeyCheck() {
    StaticKek fixed = StaticKek.generating("static:fixed", KEY, "11".repeat(32), 1);

    assertThrows(
        AssertionFailedError.class,
        () -> KeyEncryptionServiceContract.assertFreshDataKeys(fixed, "k", new byte[] {1}));
  }

  @Test
  void randomDataKeyService_passesTheFreshKeyCheck() {
    LocalKeyring keyring = LocalKeyring.inMemory();
    keyring.createKey("k");
    KeyEncryptionServiceContract.assertFreshDataKeys(keyring, "k", new byte[] {1});
  }
}
