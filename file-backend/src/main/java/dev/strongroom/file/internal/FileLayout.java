package dev.strongroom.file.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where things live in a store folder, and how names become file names:
 *
 * <pre>
 * ROOT/strongroom.json         format, key-derivation parameters and salt, master-key verifier
 * ROOT/manifest.json          format 2: each record's latest generation, HMACed (see Manifest)
 * ROOT/.lock                   inter-process writer lock (empty)
 * ROOT/keys/NAME.keyset        one Tink keyset per KEK, encrypted under the master key
 * ROOT/secrets/ENCODED.json    one file per secret: versions and stages in clear (HMACed in
 *                              format 2), values sealed
 * ROOT/leases/ENCODED.json     one file per lease the library issued: times and state, no value
 * ROOT/audit.jsonl             the hash-chained audit log (chain key derived from the master key)
 * </pre>
 *
 * Secret names are percent-encoded byte by byte except {@code [A-Za-z0-9_-]} and non-leading dots.
 * Stateless and thread-safe.
 */
final class FileLayout {
  static final String HEADER = "strongroom.json";
  static final String LOCK = ".lock";
  static final String KEYS = "keys";
  static final String SECRETS = "secrets";
  static final String LEASES = "leases";
  static final String LEASE_SUFFIX = ".json";
  static final String AUDIT = "audit.jsonl";
  static final String KEYSET_SUFFIX = ".keyset";
  static final String SECRET_SUFFIX = ".json";

  private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");
  private static final int MAX_FILE_NAME = 250;

  private FileLayout() {}

  static Path keyFile(Path root, String keyName) {
    if (!KEY_NAME.matcher(keyName).matches()) {
      throw new IllegalArgumentException(
          "expected a key name of 1 to 64 characters [A-Za-z0-9._-] not starting with '.' but was '"
              + keyName
              + "'");
    }
    return root.resolve(KEYS).resolve(keyName + KEYSET_SUFFIX);
  }

  static Path secretFile(Path root, String name) {
    String encoded = encode(name);
    if (encoded.length() + SECRET_SUFFIX.length() > MAX_FILE_NAME) {
      throw new IllegalArgumentException(
          "expected a shorter secret name but it encodes to " + encoded.length() + " characters");
    }
    return root.resolve(SECRETS).resolve(encoded + SECRET_SUFFIX);
  }

  /** The secret name a file name holds, or null if it is not a secret file. */
  static String secretName(String fileName) {
    if (!fileName.endsWith(SECRET_SUFFIX) || fileName.startsWith(".")) {
      return null;
    }
    try {
      return decode(fileName.substring(0, fileName.length() - SECRET_SUFFIX.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String encode(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("expected a non-empty secret name");
    }
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      boolean plain =
          (b >= 'a' && b <= 'z')
              || (b >= 'A' && b <= 'Z')
              || (b >= '0' && b <= '9')
              || b == '_'
              || b == '-'
              || (b == '.' && i > 0);
      if (plain) {
        out.append((char) b);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }

  static String decode(String encoded) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length()) {
          throw new IllegalArgumentException("truncated escape");
        }
        int hi = Character.digit(encoded.charAt(i + 1), 16);
        int lo = Character.digit(encoded.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad escape");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
