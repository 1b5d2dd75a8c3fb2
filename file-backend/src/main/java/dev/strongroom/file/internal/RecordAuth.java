package dev.strongroom.file.internal;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The key that authenticates the store's own metadata: HMAC-SHA256 under a key derived with
 * HKDF-SHA256 from the master key (label {@value #LABEL}). A secret record's tag covers its name,
 * generation, deleted flag and every version's number, creation time, stages, destroyed flag and
 * sealed value, so an edit, or a record copied under another name, fails; the manifest's tag covers
 * every name's generation and state. Inputs are length-prefixed and domain-separated. Thread-safe;
 * {@link #wipe} ends its use.
 */
final class RecordAuth {
  static final String LABEL = "strongroom record mac v1";
  private static final byte[] RECORD_DOMAIN =
      "strongroom secret record v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LEASE_DOMAIN =
      "strongroom lease record v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MANIFEST_DOMAIN =
      "strongroom manifest v1".getBytes(StandardCharsets.US_ASCII);

  private final SecretValue key;

  RecordAuth(SecretValue masterKey) {
    byte[] ikm = masterKey.copyBytes();
    byte[] okm = new byte[32];
    try {
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
      hkdf.init(new HKDFParameters(ikm, null, LABEL.getBytes(StandardCharsets.US_ASCII)));
      hkdf.generateBytes(okm, 0, okm.length);
      this.key = SecretValue.of(okm);
    } finally {
      Arrays.fill(ikm, (byte) 0);
      Arrays.fill(okm, (byte) 0);
    }
  }

  @SuppressWarnings({
    "JavaInstantGetSecondsGetNano",
    "JavaDurationGetSecondsGetNano"
  }) // both halves
  byte[] recordTag(SecretRecord record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeBytes(out, RECORD_DOMAIN);
      writeBytes(out, record.name().getBytes(StandardCharsets.UTF_8));
      out.writeLong(record.generation());
      out.writeBoolean(record.deleted());
      out.writeInt(record.versions().size());
      for (SecretRecord.Version v : record.versions()) {
        out.writeLong(v.number());
        out.writeLong(v.created().getEpochSecond());
        out.writeInt(v.created().getNano());
        int stages = 0;
        for (Stage s : v.stages()) {
          stages |= 1 << s.ordinal();
        }
        out.writeInt(stages);
        out.writeBoolean(v.destroyed());
        if (!v.destroyed()) {
          writeBytes(out, v.sealed());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return mac(bytes.toByteArray());
  }

  /** A lease record's tag: every field, the id bound in, and the generation. */
  @SuppressWarnings({
    "JavaDurationGetSecondsToToSeconds",
    "JavaInstantGetSecondsGetNano",
    "JavaDurationGetSecondsGetNano"
  }) // both halves
  byte[] leaseTag(FileLeases.Lease lease, long generation) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeBytes(out, LEASE_DOMAIN);
      writeBytes(out, lease.id().getBytes(StandardCharsets.UTF_8));
      writeBytes(out, lease.secret().getBytes(StandardCharsets.UTF_8));
      out.writeLong(lease.version());
      out.writeLong(lease.issued().getEpochSecond());
      out.writeInt(lease.issued().getNano());
      out.writeLong(lease.ttl().getSeconds());
      out.writeInt(lease.ttl().getNano());
      out.writeLong(lease.maxTtl().getSeconds());
      out.writeInt(lease.maxTtl().getNano());
      out.writeLong(lease.expires().getEpochSecond());
      out.writeInt(lease.expires().getNano());
      out.writeBoolean(lease.revoked());
      out.writeLong(generation);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return mac(bytes.toByteArray());
  }

  /** The manifest's tag over {@code entries} (sorted by name by the caller). */
  byte[] manifestTag(Map<String, Manifest.Entry> entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeBytes(out, MANIFEST_DOMAIN);
      out.writeInt(entries.size());
      for (Map.Entry<String, Manifest.Entry> e : entries.entrySet()) {
        writeBytes(out, e.getKey().getBytes(StandardCharsets.UTF_8));
        out.writeLong(e.getValue().generation());
        out.writeBoolean(e.getValue().live());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return mac(bytes.toByteArray());
  }

  /** Constant-time comparison. */
  static boolean same(byte[] a, byte[] b) {
    return a != null && b != null && MessageDigest.isEqual(a, b);
  }

  private byte[] mac(byte[] input) {
    return key.apply(
        k -> {
          try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(k, "HmacSHA256"));
            return mac.doFinal(input);
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
          }
        });
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  void wipe() {
    key.wipe();
  }
}
