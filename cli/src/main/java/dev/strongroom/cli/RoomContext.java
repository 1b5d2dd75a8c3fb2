package dev.strongroom.cli;

import dev.strongroom.Strongroom;
import dev.strongroom.apikey.ApiKeyPolicy;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.envelope.Kek;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.file.internal.Credentials;
import dev.strongroom.file.internal.FileBackend;
import dev.strongroom.file.internal.FileKeyring;
import dev.strongroom.file.internal.FileUri;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.KeyEncryptionService;
import java.io.Console;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;

/**
 * The CLI's one door to a store: turns {@code --store} into a URI, opens the backend (the file
 * backend directly, as a passphrase may have to be prompted for or a store created; any other
 * scheme through {@link ServiceLoader}) and a {@link Strongroom} over it that acts as {@code
 * cli:$USER}. On a file store the room audits into the store's {@code audit.jsonl} (chain key
 * derived from the master key, never stored), and so does {@link #audit} for the CLI's own accesses
 * that do not go through the room (streams, lease records). Auditing is fail-closed.
 *
 * <p>Not thread-safe; one per command run.
 */
final class RoomContext implements AutoCloseable {
  static final String DEFAULT_STORE = "./.strongroom";

  /** Test hook: a fixed "now" (ISO-8601 instant) for the CLI's clock. */
  static final String NOW_PROPERTY = "strongroom.cli.now";

  /**
   * The CLI's API-key policy: the defaults (service label {@code sr}) with a short revocation
   * bound. Each command is a new process with an empty verification cache, so a revocation made by
   * one command is seen by the next at once; the bound matters only within one run.
   */
  static final ApiKeyPolicy API_KEY_POLICY =
      ApiKeyPolicy.builder().revocationBound(Duration.ofSeconds(1)).build();

  private final URI uri;
  private final UnaryOperator<String> env;
  private final Clock clock;
  private final String principal;
  private Backend backend;
  private AuditSink sink;
  private Strongroom room;

  private RoomContext(URI uri, UnaryOperator<String> env) {
    this.uri = uri;
    this.env = env;
    String now = System.getProperty(NOW_PROPERTY);
    this.clock = now == null ? Clock.systemUTC() : Clock.fixed(Instant.parse(now), ZoneOffset.UTC);
    String user = env.apply("USER");
    this.principal =
        "cli:" + (user == null || user.isBlank() ? System.getProperty("user.name") : user);
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

  Clock clock() {
    return clock;
  }

  /** Creates a new file store with a {@code default} KEK, and records it in the audit log. */
  Path init() {
    FileUri file = fileUri("init");
    if (FileBackend.exists(file.path())) {
      throw new ConflictException("a store already exists at " + file.path().toAbsolutePath());
    }
    Credentials credentials = credentials(file, true);
    try {
      backend =
          FileBackend.open(
              file.path(),
              credentials,
              new FileBackend.Options(
                  true, FileBackend.Options.openOrCreate().kdf(), clock, file.trustPermissions()));
    } finally {
      credentials.wipe();
    }
    audit("init", "store", 0, AuditEvent.Outcome.OK, "");
    return file.path().toAbsolutePath().normalize();
  }

  /** The room over the store, opened on first use. */
  Strongroom room() {
    if (room == null) {
      Backend opened = backend();
      Strongroom.Builder builder =
          Strongroom.builder()
              .backend(opened)
              .clock(clock)
              .principal(principal)
              .apiKeys(API_KEY_POLICY)
              // one command per process: background work (an API key's last-used mark, a
              // refresh) runs on the calling thread, so none races with the room's close
              .executor(Runnable::run);
      if (sink() != null) {
        builder.audit(sink());
      }
      room = builder.build();
    }
    return room;
  }

  Backend backend() {
    if (backend == null) {
      if ("file".equalsIgnoreCase(uri.getScheme())) {
        FileUri file = FileUri.parse(uri);
        Credentials credentials = credentials(file, false);
        try {
          backend =
              FileBackend.open(
                  file.path(),
                  credentials,
                  new FileBackend.Options(
                      false,
                      FileBackend.Options.openExisting().kdf(),
                      clock,
                      file.trustPermissions()));
        } finally {
          credentials.wipe();
        }
      } else {
        backend = provider(uri.getScheme()).open(uri);
      }
    }
    return backend;
  }

  /** The file backend, or a usage error naming {@code command} for other stores. */
  FileBackend fileBackend(String command) {
    fileUri(command);
    return (FileBackend) backend();
  }

  private AuditSink sink() {
    if (sink == null && backend() instanceof FileBackend) {
      sink = ((FileBackend) backend()).openAuditSink();
    }
    return sink;
  }

  /**
   * Records one of the CLI's own accesses (those that do not go through the room) in the store's
   * audit log; never a value. Fails closed: if it cannot be recorded the command fails.
   */
  void audit(
      String operation, String resource, long version, AuditEvent.Outcome outcome, String detail) {
    AuditSink s = sink();
    if (s != null) {
      s.record(
          new AuditEvent(
              clock.instant(), principal, operation, resource, version, outcome, detail));
    }
  }

  /** Records a failed access, with the failure's class as its detail. */
  void auditFailure(String operation, String resource, RuntimeException e) {
    AuditEvent.Outcome outcome =
        e instanceof NotFoundException
            ? AuditEvent.Outcome.NOT_FOUND
            : e instanceof AccessDeniedException
                ? AuditEvent.Outcome.DENIED
                : AuditEvent.Outcome.ERROR;
    try {
      audit(operation, resource, 0, outcome, e.getClass().getSimpleName());
    } catch (RuntimeException auditFailed) {
      e.addSuppressed(auditFailed);
    }
  }

  KeyEncryptionService keys() {
    return backend().keys();
  }

  /** The KEK names, where the backend can list them; else just {@code default}. */
  List<String> keyNames() {
    KeyEncryptionService keys = keys();
    return keys instanceof FileKeyring ? ((FileKeyring) keys).keyNames() : List.of("default");
  }

  /**
   * An envelope encrypting under {@code keyName} (described through the room, so the use of the key
   * is checked and recorded) and opening anything the store's KEKs wrapped.
   */
  Envelope envelope(String keyName) {
    room().keys().describe(keyName); // fails clearly for an unknown key
    KeyEncryptionService keys = keys();
    Envelope.Builder builder = Envelope.builder().kek(Kek.of(keys, keyName)).clock(clock);
    for (String other : keyNames()) {
      if (!other.equals(keyName)) {
        builder.decryptOnly(Kek.of(keys, other));
      }
    }
    return builder.build();
  }

  /** An envelope that opens anything the store's KEKs wrapped (and encrypts under default). */
  Envelope anyKeyEnvelope() {
    List<String> names = keyNames();
    if (names.isEmpty()) {
      throw new InvalidCiphertextException();
    }
    return envelope(names.contains("default") ? "default" : names.get(0));
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

  /** Closes the room (which closes the backend and the audit sink), or what was opened of them. */
  @Override
  public void close() {
    if (room != null) {
      room.close();
      return;
    }
    try {
      if (sink != null) {
        sink.close();
      }
    } finally {
      if (backend != null) {
        backend.close();
      }
    }
  }
}
