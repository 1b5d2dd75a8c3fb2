package dev.strongroom.cli;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.apikey.ApiKeyPolicy;
import dev.strongroom.audit.AuditCheckpointStores;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.audit.JsonLinesOptions;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.envelope.Kek;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.file.FileStores;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.io.Console;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;

/**
 * The CLI's one door to a store: turns {@code --store} into a URI, opens the backend (a file store
 * through {@link FileStores}, as a passphrase may have to be prompted for or a store created; any
 * other scheme through {@link ServiceLoader}) and a {@link Strongroom} over it that acts as {@code
 * cli:$USER (claimed)}: the name comes from the environment, nothing proves it. Every store has an
 * audit log, fail-closed: a file store's {@code audit.jsonl} in its folder (chain key derived from
 * the master key, never stored); for other stores {@code --audit FILE}, else {@link
 * #defaultAuditFile} (a {@code memory:} store, which ends with the process, only with {@code
 * --audit}), under a chain key kept in the backend under {@value #AUDIT_KEY_NAME} and the log's
 * checkpoint mirrored to the backend. {@link #audit} records the CLI's own accesses that do not go
 * through the room (streams, lease records) there too.
 *
 * <p>Not thread-safe; one per command run.
 */
final class RoomContext implements AutoCloseable {
  static final String DEFAULT_STORE = "./.strongroom";

  /** Where a non-file store keeps the CLI audit log's chain key (32 random bytes, base64). */
  static final String AUDIT_KEY_NAME = ".strongroom/cli/audit-chain-key";

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
  private final Path auditOverride;
  private Backend backend;
  private AuditSink sink;
  private Strongroom room;

  private RoomContext(URI uri, UnaryOperator<String> env, Path auditOverride) {
    this.uri = uri;
    this.env = env;
    this.auditOverride = auditOverride;
    String now = System.getProperty(NOW_PROPERTY);
    this.clock = now == null ? Clock.systemUTC() : Clock.fixed(Instant.parse(now), ZoneOffset.UTC);
    String user = env.apply("USER");
    this.principal =
        "cli:"
            + (user == null || user.isBlank() ? System.getProperty("user.name") : user)
            + " (claimed)";
  }

  static RoomContext of(Main.Root root) {
    String store = root.store;
    if (store == null || store.isBlank()) {
      store = System.getenv("STRONGROOM_STORE");
    }
    if (store == null || store.isBlank()) {
      store = DEFAULT_STORE;
    }
    return new RoomContext(toUri(store), System::getenv, root.audit);
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
    requireFile("init");
    Path path = FileStores.path(uri);
    if (FileStores.exists(uri)) {
      throw new ConflictException("a store already exists at " + path.toAbsolutePath());
    }
    backend = FileStores.open(uri, env, RoomContext::prompt, clock, true);
    audit("init", "store", 0, AuditEvent.Outcome.OK, "");
    return path.toAbsolutePath().normalize();
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
      backend =
          isFile()
              ? FileStores.open(uri, env, RoomContext::prompt, clock, false)
              : provider(uri.getScheme())
                  .open(
                      dev.strongroom.spi.OpenRequest.builder(uri)
                          .clock(clock)
                          .environment(env::apply)
                          .build());
    }
    return backend;
  }

  /** The backend of a file store, or a usage error naming {@code command} for other stores. */
  Backend fileStore(String command) {
    requireFile(command);
    return backend();
  }

  boolean isFile() {
    return "file".equalsIgnoreCase(uri.getScheme());
  }

  private boolean isMemory() {
    return "memory".equalsIgnoreCase(uri.getScheme());
  }

  /** The audit log's file: the file store's own, else {@code --audit}, else the default. */
  Path auditFile() {
    if (isFile()) {
      return FileStores.auditFile(backend());
    }
    return auditOverride != null ? auditOverride.toAbsolutePath() : defaultAuditFile(uri, env);
  }

  /** The audit log's chain key; the caller wipes it. */
  SecretValue auditChainKey() {
    return isFile() ? FileStores.auditChainKey(backend()) : backendChainKey();
  }

  /**
   * Where the CLI logs accesses to a non-file store when {@code --audit} is not given: {@code
   * $XDG_STATE_HOME/strongroom/audit/<first 16 hex digits of the URI's SHA-256>.jsonl}, with {@code
   * ~/.local/state} when XDG_STATE_HOME is not set.
   */
  static Path defaultAuditFile(URI uri, UnaryOperator<String> env) {
    String state = env.apply("XDG_STATE_HOME");
    Path base =
        state != null && !state.isBlank()
            ? Path.of(state)
            : Path.of(System.getProperty("user.home"), ".local", "state");
    return base.resolve("strongroom")
        .resolve("audit")
        .resolve(sha256(uri.toString()).substring(0, 16) + ".jsonl");
  }

  /** For a non-file store, the backend mirror of the CLI audit log's checkpoint. */
  Optional<dev.strongroom.audit.AuditCheckpointStore> cliMirror() {
    return isFile()
        ? Optional.empty()
        : Optional.of(AuditCheckpointStores.backend(backend().secrets(), mirrorName(auditFile())));
  }

  /** The checkpoint mirror's name in the backend: one per audit log file and machine. */
  private String mirrorName(Path file) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return ".strongroom/audit/cli/" + sha256(host + ":" + file).substring(0, 16);
  }

  /** The chain key kept in the backend, made on first use (the first writer wins a race). */
  private SecretValue backendChainKey() {
    Backend b = backend();
    Optional<StoredSecret> stored = b.secrets().read(ReadRequest.current(AUDIT_KEY_NAME));
    if (stored.isEmpty()) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      String encoded = java.util.Base64.getEncoder().encodeToString(key);
      java.util.Arrays.fill(key, (byte) 0);
      try (SecretValue value = SecretValue.ofUtf8(encoded)) {
        b.secrets().write(new WriteRequest(AUDIT_KEY_NAME, value, Stage.CURRENT, 0));
      } catch (ConflictException raced) {
        // another CLI made it first: use theirs
      }
      stored = b.secrets().read(ReadRequest.current(AUDIT_KEY_NAME));
    }
    try (SecretValue encoded = stored.orElseThrow().value()) {
      byte[] raw = java.util.Base64.getDecoder().decode(encoded.copyUtf8String());
      try {
        return SecretValue.of(raw);
      } finally {
        java.util.Arrays.fill(raw, (byte) 0);
      }
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private AuditSink sink() {
    if (sink == null) {
      if (isFile()) {
        if (auditOverride != null) {
          throw new CliError(
              Main.USAGE, "--audit is for other stores: a file store logs to its own audit.jsonl");
        }
        sink = FileStores.openAuditSink(backend());
      } else if (isMemory() && auditOverride == null) {
        return null; // a memory: store ends with the process: logged only with --audit
      } else {
        Path file = auditFile();
        try {
          Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
          throw new UncheckedIOException("cannot create the audit log's folder", e);
        }
        try (SecretValue key = auditChainKey()) {
          sink =
              AuditSinks.jsonLines(
                  file,
                  key,
                  JsonLinesOptions.builder()
                      .everyEvent()
                      .fsync(true)
                      .clock(clock)
                      .mirror(cliMirror().orElseThrow())
                      .build());
        }
      }
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

  /** The KEK names the room may describe (the backend lists them: Transit keys, KMS aliases). */
  List<String> keyNames() {
    return room().keys().list();
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

  private void requireFile(String command) {
    if (!isFile()) {
      throw new CliError(
          Main.USAGE, command + " works on file: stores only, not " + uri.getScheme() + ":");
    }
  }

  /** Asks on the terminal; null without one. */
  private static char[] prompt(Path store, boolean confirm) {
    Console console = System.console();
    if (console == null) {
      return null;
    }
    char[] first = console.readPassword("Passphrase for %s: ", store);
    if (first == null || !confirm) {
      return first;
    }
    char[] second = console.readPassword("Repeat the passphrase: ");
    boolean same = second != null && Arrays.equals(first, second);
    if (second != null) {
      Arrays.fill(second, '\0');
    }
    if (!same) {
      Arrays.fill(first, '\0');
      throw new CliError(Main.USAGE, "the passphrases do not match");
    }
    return first;
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
