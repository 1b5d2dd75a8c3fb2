package dev.strongroom.file;

import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.file.internal.Credentials;
import dev.strongroom.file.internal.FileBackend;
import dev.strongroom.file.internal.FileUri;
import dev.strongroom.spi.Backend;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What tools (such as the {@code strongroom} CLI) need of a file store beyond the {@link Backend}
 * SPI: opening one with a passphrase prompt, creating one, and the store's own audit log, key names
 * and record check. The methods that take a backend accept only one this class (or {@link
 * FileBackendProvider}) opened, and throw {@link IllegalArgumentException} for any other.
 *
 * <p>Stateless and thread-safe.
 */
public final class FileStores {
  private FileStores() {}

  /** Asks the user for a passphrase when the environment gives no master key or passphrase. */
  @FunctionalInterface
  public interface PassphrasePrompt {
    /**
     * The passphrase for the store at {@code store}, or null if none can be asked for (no
     * terminal). The caller wipes the array. {@code confirm} is true when a new store is created:
     * ask twice and check both match.
     */
    char[] ask(Path store, boolean confirm);
  }

  /** The folder a {@code file:} URI names. */
  public static Path path(URI uri) {
    return FileUri.parse(uri).path();
  }

  /** Whether a store exists at the folder {@code uri} names. */
  public static boolean exists(URI uri) {
    return FileBackend.exists(path(uri));
  }

  /**
   * Opens (or, with {@code create}, creates with a {@code default} KEK) the store {@code uri}
   * names. Its master key comes from the sources the URI names, looked up in {@code env}, else from
   * {@code prompt} (may be null).
   *
   * @throws AccessDeniedException if no credential is available or it does not open the store
   */
  public static Backend open(
      URI uri, UnaryOperator<String> env, PassphrasePrompt prompt, Clock clock, boolean create) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(clock, "clock");
    FileUri file = FileUri.parse(uri);
    Credentials credentials = credentials(file, env, prompt, create);
    try {
      FileBackend.Options defaults =
          create ? FileBackend.Options.openOrCreate() : FileBackend.Options.openExisting();
      return FileBackend.open(
          file.path(),
          credentials,
          new FileBackend.Options(create, defaults.kdf(), clock, file.trustPermissions()));
    } finally {
      credentials.wipe();
    }
  }

  private static Credentials credentials(
      FileUri file, UnaryOperator<String> env, PassphrasePrompt prompt, boolean confirm) {
    try {
      return file.credentials(env);
    } catch (AccessDeniedException missing) {
      char[] typed = prompt == null ? null : prompt.ask(file.path(), confirm);
      if (typed == null) {
        throw missing;
      }
      try {
        if (typed.length == 0) {
          throw new AccessDeniedException("no passphrase given");
        }
        return Credentials.passphrase(typed);
      } finally {
        Arrays.fill(typed, '\0');
      }
    }
  }

  /** Whether {@code backend} is a file store. */
  public static boolean isFileStore(Backend backend) {
    return backend instanceof FileBackend;
  }

  /** The store's audit log ({@code audit.jsonl} in its folder). */
  public static Path auditFile(Backend backend) {
    return file(backend).auditFile();
  }

  /** The store's audit chain key, derived from its master key; the caller wipes it. */
  public static SecretValue auditChainKey(Backend backend) {
    return file(backend).auditChainKey();
  }

  /** A sink appending to the store's audit log, safe beside other processes using the store. */
  public static AuditSink openAuditSink(Backend backend) {
    return file(backend).openAuditSink();
  }

  /** The names of the store's key-encryption keys. */
  public static List<String> keyNames(Backend backend) {
    return file(backend).keys().keyNames();
  }

  /**
   * Checks every secret and lease record (MAC and generation; nothing is decrypted) and every live
   * manifest entry: one {@code NAME: reason} per failure, empty if all pass.
   */
  public static List<String> verifyRecords(Backend backend) {
    return file(backend).verifyRecords();
  }

  /** Whether the store's records are authenticated (format 2); false for a format 1 store. */
  public static boolean authenticated(Backend backend) {
    return file(backend).authenticated();
  }

  private static FileBackend file(Backend backend) {
    if (backend instanceof FileBackend file) {
      return file;
    }
    throw new IllegalArgumentException(
        "expected a file store but was " + (backend == null ? "null" : backend.getClass()));
  }
}
