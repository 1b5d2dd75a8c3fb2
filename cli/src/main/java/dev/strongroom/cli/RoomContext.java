package dev.strongroom.cli;

import dev.strongroom.envelope.Envelope;
import dev.strongroom.envelope.Kek;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.file.internal.Credentials;
import dev.strongroom.file.internal.FileBackend;
import dev.strongroom.file.internal.FileKeyring;
import dev.strongroom.file.internal.FileUri;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.SecretStore;
import java.io.Console;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;

/**
 * The CLI's one door to a store: turns {@code --store} into a URI, opens the backend (the file
 * backend directly when a passphrase must be prompted for or a store created, any other scheme
 * through {@link ServiceLoader}), and builds envelopes over its KEKs. This is the thin layer to
 * switch to the {@code Strongroom} facade once it exists.
 *
 * <p>Not thread-safe; one per command run.
 */
final class RoomContext implements AutoCloseable {
  static final String DEFAULT_STORE = "./.strongroom";

  private final URI uri;
  private final UnaryOperator<String> env;
  private Backend backend;

  private RoomContext(URI uri, UnaryOperator<String> env) {
    this.uri = uri;
    this.env = env;
  }

  static RoomContext of(Main.Root root) {
    String store = root.store;
    if (store == null || store.isBlank()) {
      store = System.getenv("STRONGROOM_STORE");
    }
    if (store == null || store.isBlank()) {
      store = DEFAULT_STORE;
    }
    return new RoomContext(toUri(store), System::getenv);
  }

  static URI toUri(String store) {
    int colon = store.indexOf(':');
    boolean hasScheme = colon > 1 && store.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
    return hasScheme ? URI.create(store) : Path.of(store).toAbsolutePath().normalize().toUri();
  }

  URI uri() {
    return uri;
  }

  /** Creates a new file store with a {@code default} KEK. */
  Path init() {
    FileUri file = fileUri("init");
    if (FileBackend.exists(file.path())) {
      throw new ConflictException("a store already exists at " + file.path().toAbsolutePath());
    }
    Credentials credentials = credentials(file, true);
    try {
      backend = FileBackend.open(file.path(), credentials, FileBackend.Options.openOrCreate());
    } finally {
      credentials.wipe();
    }
    return file.path().toAbsolutePath().normalize();
  }

  Backend backend() {
    if (backend == null) {
      if ("file".equalsIgnoreCase(uri.getScheme())) {
        FileUri file = FileUri.parse(uri);
        Credentials credentials = credentials(file, false);
        try {
          backend = FileBackend.open(file.path(), credentials, FileBackend.Options.openExisting());
        } finally {
          credentials.wipe();
        }
      } else {
        backend = provider(uri.getScheme()).open(uri);
      }
    }
    return backend;
  }

  SecretStore secrets() {
    return backend().secrets();
  }

  KeyEncryptionService keys() {
    return backend().keys();
  }

  /** The KEK names, where the backend can list them; else just {@code default}. */
  List<String> keyNames() {
    KeyEncryptionService keys = keys();
    return keys instanceof FileKeyring ? ((FileKeyring) keys).keyNames() : List.of("default");
  }

  /** An envelope encrypting under {@code keyName} and opening anything the store's KEKs wrapped. */
  Envelope envelope(String keyName) {
    KeyEncryptionService keys = keys();
    keys.describe(keyName); // fails clearly for an unknown key
    Envelope.Builder builder = Envelope.builder().kek(Kek.of(keys, keyName));
    for (String other : keyNames()) {
      if (!other.equals(keyName)) {
        builder.decryptOnly(Kek.of(keys, other));
      }
    }
    return builder.build();
  }

  private FileUri fileUri(String command) {
    if (!"file".equalsIgnoreCase(uri.getScheme())) {
      throw new CliError(
          Main.USAGE, command + " works on file: stores only, not " + uri.getScheme() + ":");
    }
    return FileUri.parse(uri);
  }

  private Credentials credentials(FileUri file, boolean confirm) {
    try {
      return file.credentials(env);
    } catch (AccessDeniedException missing) {
      Console console = System.console();
      if (console == null) {
        throw missing;
      }
      char[] first = console.readPassword("Passphrase for %s: ", file.path());
      if (first == null || first.length == 0) {
        throw new AccessDeniedException("no passphrase given");
      }
      try {
        if (confirm) {
          char[] second = console.readPassword("Repeat the passphrase: ");
          boolean same = second != null && Arrays.equals(first, second);
          if (second != null) {
            Arrays.fill(second, '\0');
          }
          if (!same) {
            throw new CliError(Main.USAGE, "the passphrases do not match");
          }
        }
        return Credentials.passphrase(first);
      } finally {
        Arrays.fill(first, '\0');
      }
    }
  }

  private static BackendProvider provider(String scheme) {
    return ServiceLoader.load(BackendProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.scheme().equalsIgnoreCase(scheme))
        .findFirst()
        .orElseThrow(
            () ->
                new CliError(
                    Main.USAGE,
                    "no backend for " + scheme + ": URIs (is its jar on the class path?)"));
  }

  @Override
  public void close() {
    if (backend != null) {
      backend.close();
    }
  }
}
