package dev.strongroom.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Holds decrypted output back until the whole input has verified, so that {@code decrypt} writes
 * nothing to stdout for a tampered or truncated ciphertext, in constant memory: up to 1 MiB stays
 * in memory; beyond that blocks are spooled to an owner-only temp file, each sealed with
 * AES-256-GCM under a random key that lives only in this process's memory (plaintext never touches
 * the disk). {@link #commitTo} replays everything; {@link #discard} forgets it.
 *
 * <p>Not thread-safe.
 */
final class HoldBackOutput extends OutputStream {
  private static final int MEMORY = 1 << 20;

  private final byte[] buffer = new byte[MEMORY];
  private int filled;
  private Path spool;
  private DataOutputStream spoolOut;
  private SecretKey key;
  private long blocks;

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (filled == MEMORY) {
        spoolBuffer();
      }
      int n = Math.min(len, MEMORY - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  /** Writes everything held to {@code out} and releases the spool. */
  void commitTo(OutputStream out) throws IOException {
    try {
      if (spool != null) {
        spoolOut.close();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(spool))) {
          for (long i = 0; i < blocks; i++) {
            byte[] sealed = new byte[in.readInt()];
            in.readFully(sealed);
            byte[] plain = cipher(Cipher.DECRYPT_MODE, i).doFinal(sealed);
            out.write(plain);
            Arrays.fill(plain, (byte) 0);
          }
        } catch (GeneralSecurityException e) {
          throw new IOException("the decryption spool was modified while in use", e);
        }
      }
      out.write(buffer, 0, filled);
      out.flush();
    } finally {
      discard();
    }
  }

  /** Forgets everything held. */
  void discard() {
    Arrays.fill(buffer, (byte) 0);
    filled = 0;
    key = null;
    if (spool != null) {
      try {
        spoolOut.close();
      } catch (IOException ignored) {
        // deleting it next
      }
      try {
        Files.deleteIfExists(spool);
      } catch (IOException ignored) {
        // sealed under a key that no longer exists
      }
      spool = null;
    }
  }

  private void spoolBuffer() throws IOException {
    try {
      if (spool == null) {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256, new SecureRandom());
        key = generator.generateKey();
        spool =
            Files.createTempFile(
                "strongroom-decrypt-",
                ".spool",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        spool.toFile().deleteOnExit();
        spoolOut =
            new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(spool)));
      }
      byte[] sealed = cipher(Cipher.ENCRYPT_MODE, blocks++).doFinal(buffer, 0, filled);
      spoolOut.writeInt(sealed.length);
      spoolOut.write(sealed);
      Arrays.fill(buffer, (byte) 0);
      filled = 0;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM unavailable", e);
    }
  }

  private Cipher cipher(int mode, long counter) throws GeneralSecurityException {
    byte[] nonce = new byte[12];
    for (int i = 0; i < 8; i++) {
      nonce[11 - i] = (byte) (counter >>> (8 * i));
    }
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(128, nonce));
    return cipher;
  }
}
