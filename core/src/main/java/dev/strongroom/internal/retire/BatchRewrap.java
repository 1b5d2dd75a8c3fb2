package dev.strongroom.internal.retire;

import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.internal.envelope.DataKeyMaterial;
import dev.strongroom.internal.envelope.EnvelopeHeader;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.WrappedKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rewraps a batch of envelope ciphertexts under one KEK with as few key-service calls as the
 * service allows: each distinct wrapped DEK of the KEK is rewrapped once (ciphertexts made under
 * one cached DEK share it), all of them in one {@link KeyEncryptionService#rewrapAll} call (one
 * Transit request per batch; KMS, which has no batch ReEncrypt, one call per distinct DEK). The
 * body is never decrypted; recipients of other KEKs are kept as they are. Same bytes as {@code
 * Envelope.rewrap}.
 *
 * <p>Stateless and thread-safe.
 */
public final class BatchRewrap {
  /** The associated data every envelope wraps its DEK with (docs/FORMAT.md). */
  private static final byte[] WRAP_AAD = "strongroom dek v1".getBytes(StandardCharsets.UTF_8);

  /** How many ciphertexts one batch holds. */
  public static final int BATCH = 1000;

  private BatchRewrap() {}

  /**
   * Rewraps {@code ciphertexts} (at most {@link #BATCH}); the result lists, in order, the new
   * ciphertext or the failure for that input.
   */
  public static List<Object> rewrap(
      KeyEncryptionService keys, String kek, List<byte[]> ciphertexts) {
    byte[] ref = keys.keyRef(kek).getBytes(StandardCharsets.UTF_8);
    List<EnvelopeHeader> headers = new ArrayList<>(ciphertexts.size());
    Map<ByteBuffer, Integer> distinct = new LinkedHashMap<>();
    List<byte[]> wrapped = new ArrayList<>();
    for (byte[] ciphertext : ciphertexts) {
      EnvelopeHeader header;
      try {
        header = EnvelopeHeader.parse(ciphertext);
      } catch (InvalidCiphertextException e) {
        header = null;
      }
      headers.add(header);
      if (header == null) {
        continue;
      }
      for (EnvelopeHeader.Recipient r : header.recipients()) {
        if (Arrays.equals(r.ref(), ref)
            && distinct.putIfAbsent(ByteBuffer.wrap(r.wrapped()), wrapped.size()) == null) {
          wrapped.add(r.wrapped());
        }
      }
    }
    List<Optional<WrappedKey>> fresh =
        wrapped.isEmpty() ? List.of() : keys.rewrapAll(kek, wrapped, WRAP_AAD);
    List<Object> out = new ArrayList<>(ciphertexts.size());
    for (int i = 0; i < ciphertexts.size(); i++) {
      out.add(rebuild(ciphertexts.get(i), headers.get(i), ref, distinct, fresh));
    }
    return out;
  }

  private static Object rebuild(
      byte[] ciphertext,
      EnvelopeHeader header,
      byte[] ref,
      Map<ByteBuffer, Integer> distinct,
      List<Optional<WrappedKey>> fresh) {
    if (header == null) {
      return new InvalidCiphertextException();
    }
    List<EnvelopeHeader.Recipient> recipients = new ArrayList<>(header.recipients().size());
    boolean known = false;
    for (EnvelopeHeader.Recipient r : header.recipients()) {
      if (!Arrays.equals(r.ref(), ref)) {
        recipients.add(r);
        continue;
      }
      if (known) {
        continue; // a repeated recipient: rewrapped once, written once
      }
      Optional<WrappedKey> moved = fresh.get(distinct.get(ByteBuffer.wrap(r.wrapped())));
      if (moved.isEmpty()) {
        return new InvalidCiphertextException();
      }
      known = true;
      recipients.add(new EnvelopeHeader.Recipient(r.ref(), moved.get().wrapped()));
    }
    if (!known) {
      return new InvalidCiphertextException();
    }
    byte[] commitment =
        Arrays.copyOfRange(
            ciphertext,
            EnvelopeHeader.COMMITMENT_OFFSET,
            EnvelopeHeader.COMMITMENT_OFFSET + DataKeyMaterial.COMMITMENT_LENGTH);
    byte[] newHeader = EnvelopeHeader.write(header.suite(), commitment, recipients);
    byte[] out = new byte[newHeader.length + ciphertext.length - header.length()];
    System.arraycopy(newHeader, 0, out, 0, newHeader.length);
    System.arraycopy(
        ciphertext, header.length(), out, newHeader.length, ciphertext.length - header.length());
    return out;
  }
}
