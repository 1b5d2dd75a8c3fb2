package dev.strongroom.internal.room;

import java.text.Normalizer;
import java.util.Objects;

/** Checks secret names. Stateless and thread-safe. Not for public use. */
public final class Names {
  /** The longest name accepted, in characters. */
  public static final int MAX_LENGTH = 512;

  private Names() {}

  /** The characters a name may hold besides {@code /}, as the docs state them. */
  public static final String ALPHABET = "A-Z a-z 0-9 . _ - + = @";

  /**
   * Returns {@code name}, NFC-normalised, if it is a valid secret name: 1 to 512 characters of
   * {@value #ALPHABET} in segments separated by single {@code /}, no segment {@code .} or {@code
   * ..}. This is the one alphabet of every backend: the characters AWS Secrets Manager allows
   * ({@code A-Za-z0-9/_+=.@-}); {@code #} is taken by field references and {@code *}, {@code ?} by
   * globs. Normalisation runs first, so a name that only NFC turns into this alphabet (U+212A
   * KELVIN SIGN into {@code K}) is accepted as its normal form; callers must use the returned name.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static String check(String name) {
    Objects.requireNonNull(name, "name");
    if (!isAscii(name)) {
      name = Normalizer.normalize(name, Normalizer.Form.NFC);
    }
    if (name.isEmpty() || name.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "expected a secret name of 1 to " + MAX_LENGTH + " characters but was " + name.length());
    }
    if (!validSegments(name)) {
      String refused = refusedCharacter(name);
      if (refused != null) {
        throw new IllegalArgumentException(
            "expected a secret name without " + refused + " but was '" + printable(name) + "'");
      }
      throw new IllegalArgumentException(
          "expected a secret name of '/'-separated segments of [A-Za-z0-9._+=@-] but was '"
              + printable(name)
              + "'");
    }
    return name;
  }

  /**
   * Whether {@code name}, exactly as given (no normalisation), is a valid secret name (see {@link
   * #check}): a name a backend lists reads back under the same spelling only if this holds. Never
   * throws.
   */
  public static boolean isValid(String name) {
    return name != null && !name.isEmpty() && name.length() <= MAX_LENGTH && validSegments(name);
  }

  /**
   * Why a name a backend listed cannot be read through the room, or null if it can: for listings
   * that mark such names instead of passing them off as readable.
   */
  public static String unreadableReason(String name) {
    if (isValid(name)) {
      return null;
    }
    String refused = refusedCharacter(name);
    if (refused != null) {
      return "it holds " + refused;
    }
    if (name.isEmpty() || name.length() > MAX_LENGTH) {
      return "it is not 1 to " + MAX_LENGTH + " characters long";
    }
    return "it is outside the name alphabet: '/'-separated segments of " + ALPHABET;
  }

  private static boolean isAscii(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** {@code name} with control and bidirectional formatting characters escaped, for logs. */
  public static String escaped(String name) {
    return printable(name);
  }

  /**
   * Checks a listing prefix: empty, or a name prefix (it may end with {@code /}); returns it
   * NFC-normalised.
   */
  public static String checkPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty()) {
      return prefix;
    }
    boolean folder = prefix.endsWith("/");
    String checked = check(folder ? prefix.substring(0, prefix.length() - 1) : prefix);
    return folder ? checked + "/" : checked;
  }

  /** One pass, no allocation: this runs on every read. */
  private static boolean validSegments(String name) {
    int segmentStart = 0;
    int dots = 0;
    for (int i = 0; i <= name.length(); i++) {
      char c = i == name.length() ? '/' : name.charAt(i);
      if (c == '/') {
        int length = i - segmentStart;
        if (length == 0 || dots == length && length <= 2) {
          return false; // empty, "." or ".."
        }
        segmentStart = i + 1;
        dots = 0;
      } else if (c == '.') {
        dots++;
      } else if (!(c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == '_'
          || c == '-'
          || c == '+'
          || c == '='
          || c == '@')) {
        return false;
      }
    }
    return true;
  }

  /** What kind of character would make a name print misleadingly, or null if none does. */
  private static String refusedCharacter(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (isControl(c)) {
        return String.format("control characters (C0, DEL, C1): U+%04X at index %d", (int) c, i);
      }
      if (isBidi(c)) {
        return String.format("bidirectional formatting characters: U+%04X at index %d", (int) c, i);
      }
    }
    return null;
  }

  private static boolean isControl(int c) {
    return c < 0x20 || c >= 0x7f && c <= 0x9f;
  }

  private static boolean isBidi(int c) {
    return c >= 0x202a && c <= 0x202e
        || c >= 0x2066 && c <= 0x2069
        || c == 0x200e
        || c == 0x200f
        || c == 0x061c;
  }

  private static String printable(String name) {
    StringBuilder out = new StringBuilder();
    name.codePoints()
        .limit(80)
        .forEach(
            c -> {
              if (isControl(c) || isBidi(c)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
