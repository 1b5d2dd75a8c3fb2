package dev.strongroom.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.internal.envelope.EnvelopeHeader;
import dev.strongroom.internal.envelope.EnvelopeHeader.Recipient;
import dev.strongroom.kek.LocalKeyring;
import dev.strongroom.testkit.CountingKeyService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 11 item 7: a header naming one KEK many times costs at most one key-service call. */
class EnvelopeRecipientsTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("table", "users");

  private final LocalKeyring keyring = LocalKeyring.inMemory();
  private final CountingKeyService counting = new CountingKeyService(keyring);

  EnvelopeRecipientsTest() {
    keyring.createKey("default");
  }

  private Envelope fresh() {
    return Envelope.of(Kek.of(counting, "default"));
  }

  /** {@code ciphertext} with its one recipient repeated {@code copies} times (maybe damaged). */
  private static byte[] repeated(byte[] ciphertext, int copies, boolean damage) {
    EnvelopeHeader header = EnvelopeHeader.parse(ciphertext);
    Recipient only = header.recipients().get(0);
    byte[] wrapped = only.wrapped().clone();
    if (damage) {
      wrapped[wrapped.length - 1] ^= 1;
    }
    List<Recipient> many =
        new ArrayList<>(Collections.nCopies(copies, new Recipient(only.ref(), wrapped)));
    byte[] commitment =
        Arrays.copyOfRange(
            ciphertext, EnvelopeHeader.COMMITMENT_OFFSET, EnvelopeHeader.COMMITMENT_OFFSET + 32);
    byte[] newHeader = EnvelopeHeader.write(header.suite(), commitment, many);
    byte[] out = new byte[newHeader.length + ciphertext.length - header.length()];
    System.arraycopy(newHeader, 0, out, 0, newHeader.length);
    System.arraycopy(
        ciphertext, header.length(), out, newHeader.length, ciphertext.length - header.length());
    return out;
  }

  @Test
  void sameKekEightTimes_decryptCostsOneUnwrap() {
    byte[] plaintext = {1, 2, 3};
    byte[] ciphertext = repeated(fresh().encrypt(plaintext, CONTEXT), 8, false);
    counting.unwraps.set(0);

    assertArrayEquals(plaintext, fresh().decrypt(ciphertext, CONTEXT));
    assertEquals(1, counting.unwraps.get());
  }

  @Test
  void sameDamagedKekEightTimes_failsAfterOneUnwrap() {
    byte[] ciphertext = repeated(fresh().encrypt(new byte[3], CONTEXT), 8, true);
    counting.unwraps.set(0);

    assertThrows(InvalidCiphertextException.class, () -> fresh().decrypt(ciphertext, CONTEXT));
    assertEquals(1, counting.unwraps.get());
  }

  @Test
  void sameKekEightTimes_streamCostsOneUnwrap() throws Exception {
    byte[] plaintext = new byte[100];
    java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
    try (var out = fresh().encryptingStream(sink, CONTEXT)) {
      out.write(plaintext);
    }
    byte[] ciphertext = repeated(sink.toByteArray(), 8, true);
    counting.unwraps.set(0);

    assertThrows(
        InvalidCiphertextException.class,
        () -> {
          try (var in =
              fresh().decryptingStream(new java.io.ByteArrayInputStream(ciphertext), CONTEXT)) {
            in.readAllBytes();
          }
        });
    assertEquals(1, counting.unwraps.get());
  }

  @Test
  void sameKekEightTimes_rewrapCostsOneCall_andKeepsOneRecipient() {
    byte[] plaintext = {4, 5};
    byte[] ciphertext = repeated(fresh().encrypt(plaintext, CONTEXT), 8, false);
    counting.rewraps.set(0);

    byte[] rewrapped = fresh().rewrap(ciphertext);

    assertEquals(1, counting.rewraps.get());
    assertEquals(1, EnvelopeHeader.parse(rewrapped).recipients().size());
    assertArrayEquals(plaintext, fresh().decrypt(rewrapped, CONTEXT));
  }

  @Test
  void builder_sameKekTwice_isRefused() {
    Kek kek = Kek.of(keyring, "default");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Envelope.builder().kek(kek).kek(kek));
    assertEquals(true, e.getMessage().contains("local:default"), e.getMessage());
  }
}
