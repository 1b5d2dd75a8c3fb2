package dev.strongroom.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.internal.crypto.GcmProvider;
import dev.strongroom.internal.crypto.ProvidersUnderTest;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.kek.LocalKeyring;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The provider chosen in the builder (issue 18): every choice opens what every other sealed, at
 * sizes on both sides of the slicing and ACCP thresholds, through an envelope and through a room.
 */
class CryptoProviderTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("table", "orders");
  private final LocalKeyring keyring = LocalKeyring.inMemory();

  {
    keyring.createKey("default");
  }

  private List<CryptoProvider> usable() {
    boolean accp = ProvidersUnderTest.all().contains(GcmProvider.ACCP);
    return accp
        ? List.of(CryptoProvider.AUTO, CryptoProvider.JDK, CryptoProvider.ACCP)
        : List.of(CryptoProvider.AUTO, CryptoProvider.JDK);
  }

  private Envelope envelope(CryptoProvider provider) {
    return Envelope.builder().kek(Kek.of(keyring, "default")).cryptoProvider(provider).build();
  }

  @Test
  void everyProvider_opensWhatEveryOtherSealed_atEverySize() {
    Random random = new Random(18);
    for (int size : new int[] {0, 1, 1024, 4096, 16384, 65536, 65537, 1 << 20}) {
      byte[] plaintext = new byte[size];
      random.nextBytes(plaintext);
      for (CryptoProvider sealer : usable()) {
        byte[] sealed = envelope(sealer).encrypt(plaintext, CONTEXT);
        for (CryptoProvider opener : usable()) {
          assertArrayEquals(
              plaintext,
              envelope(opener).decrypt(sealed, CONTEXT),
              size + " bytes sealed on " + sealer + ", opened on " + opener);
        }
      }
    }
  }

  @Test
  void availability_isAccpsOwn_andAutoAndJdkAlwaysRun() {
    assertTrue(CryptoProvider.AUTO.available());
    assertTrue(CryptoProvider.JDK.available());
    assertEquals(GcmProvider.ACCP.available(), CryptoProvider.ACCP.available());
  }

  @Test
  void room_withAFixedProvider_sealsAndOpensSecretsAndMessages() {
    for (CryptoProvider provider : usable()) {
      try (Strongroom room =
          Strongroom.builder()
              .backend(MemoryBackend.create(java.time.Clock.systemUTC()))
              .cryptoProvider(provider)
              .executor(Runnable::run)
              .build()) {
        room.put("db/password", SecretValue.ofUtf8("hunter2-" + provider));
        assertEquals("hunter2-" + provider, room.secret("db/password").copyUtf8String());
        byte[] message = ("message on " + provider).getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(message, room.decrypt(room.encrypt(message, CONTEXT), CONTEXT));
      }
    }
  }
}
