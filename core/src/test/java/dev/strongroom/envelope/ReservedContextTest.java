package dev.strongroom.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.internal.envelope.ReservedContexts;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11 item 8: callers cannot build the contexts the library seals its own data under. */
class ReservedContextTest {
  @Test
  void of_reservedKey_isRefusedWithClearMessage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EncryptionContext.of("strongroom:apikey", "pepper"));
    assertTrue(e.getMessage().contains("reserved prefix 'strongroom:'"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> EncryptionContext.of("table", "users", "strongroom:secret", "x"));
    assertThrows(
        IllegalArgumentException.class, () -> EncryptionContext.of(Map.of("strongroom:", "")));
  }

  @Test
  void of_lookalikeKeys_areAccepted() {
    assertEquals(1, EncryptionContext.of("Strongroom:x", "1").asMap().size());
    assertEquals(1, EncryptionContext.of("strongroom.secret", "1").asMap().size());
  }

  @Test
  void reservedContexts_buildTheLibrarysContexts_andCannotBeReRegistered() {
    EncryptionContext own = ReservedContexts.of("strongroom:apikey", "pepper");
    assertEquals(Map.of("strongroom:apikey", "pepper"), own.asMap());
    assertThrows(IllegalArgumentException.class, () -> ReservedContexts.of("table", "users"));
    assertThrows(
        IllegalStateException.class,
        () -> ReservedContexts.register(pairs -> EncryptionContext.empty()));
  }

  @Test
  void reservedContext_sealed_doesNotOpenUnderAnyCallerContext() {
    dev.strongroom.kek.LocalKeyring keyring = dev.strongroom.kek.LocalKeyring.inMemory();
    keyring.createKey("default");
    Envelope envelope = Envelope.of(Kek.of(keyring, "default"));
    byte[] sealed = envelope.encrypt(new byte[] {42}, ReservedContexts.of("strongroom:x", "y"));

    for (EncryptionContext guess :
        new EncryptionContext[] {
          EncryptionContext.empty(),
          EncryptionContext.of("x", "y"),
          EncryptionContext.of("strongroom", "x")
        }) {
      assertThrows(
          dev.strongroom.exception.InvalidCiphertextException.class,
          () -> envelope.decrypt(sealed, guess));
    }
  }
}
