package dev.strongroom.file.internal;

import dev.strongroom.SecretValue;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.envelope.Kek;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.SecretStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open file store: its header, keyring and secrets. Opening checks the credentials against the
 * header's verifier before anything else (a wrong passphrase changes nothing), removes temp files a
 * crashed writer left behind (under the store lock, so no live writer is disturbed). It refuses a
 * store holding a symbolic link, or owned by another user or writable by group or others (see
 * {@link StoreSafety}), and warns loudly if anything is readable by group or others.
 *
 * <p>Thread-safe.
 */
public final class FileBackend implements Backend, dev.strongroom.internal.retire.SealedStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileBackend.class);

  /** The KEK that seals secret values; {@code init} creates it. */
  public static final String DEFAULT_KEY = "default";

  /** The HKDF label that derives the audit chain key from the master key. */
  public static final String AUDIT_CHAIN_LABEL = "strongroom audit chain v1";

  /**
   * How to open a store.
   *
   * @param create create the store (and its {@code default} KEK) if the folder holds none
   * @param kdf Argon2id parameters for a new passphrase store
   * @param clock the clock that stamps secret versions
   * @param trustPermissions open even if the store's files are owned by another user or writable by
   *     group or others (for odd set-ups, such as a folder shared through a group); links are
   *     refused regardless
   */
  public record Options(boolean create, KdfParams kdf, Clock clock, boolean trustPermissions) {
    /** Checks the fields. */
    public Options {
      Objects.requireNonNull(kdf, "kdf");
      Objects.requireNonNull(clock, "clock");
    }

    /** Options that check ownership and permissions. */
    public Options(boolean create, KdfParams kdf, Clock clock) {
      this(create, kdf, clock, false);
    }

    /** These options with {@code trustPermissions} set to {@code trust}. */
    public Options withTrustPermissions(boolean trust) {
      return new Options(create, kdf, clock, trust);
    }

    /** Open an existing store, with default parameters and the system clock. */
    public static Options openExisting() {
      return new Options(false, KdfParams.defaults(), Clock.systemUTC());
    }

    /** Open or create, with default parameters and the system clock. */
    public static Options openOrCreate() {
      return new Options(true, KdfParams.defaults(), Clock.systemUTC());
    }
  }

  private final Path root;
  private final SecretValue masterKey;
  private final FileKeyring keyring;
  private final FileSecretStore secrets;
  private final FileLeases leases;
  private final StoreLock lock;
  private final RecordAuth auth; // null in a legacy (format 1) store
  private final Manifest manifest;

  private FileBackend(Path root, SecretValue masterKey, Clock clock, boolean authenticated) {
    this.root = root;
    this.masterKey = masterKey;
    StoreLock lock = new StoreLock(root);
    this.lock = lock;
    this.auth = authenticated ? new RecordAuth(masterKey) : null;
    this.manifest = authenticated ? new Manifest(root, auth) : null;
    this.leases = new FileLeases(root, lock, auth, manifest);
    this.keyring = new FileKeyring(root, masterKey, lock);
    this.secrets =
        new FileSecretStore(
            root,
            Envelope.builder().kek(Kek.of(keyring, DEFAULT_KEY)).clock(clock).build(),
            lock,
            clock,
            auth,
            manifest);
  }

  /**
   * Checks every secret and lease record (MAC, generation against the manifest, presence; values
   * are not decrypted) and returns one line per failing record, empty if all pass. A legacy store
   * (format 1, unauthenticated records) only reports records that do not parse.
   */
  public List<String> verifyRecords() {
    List<String> problems = new java.util.ArrayList<>(secrets.verifyAll());
    problems.addAll(leases.verifyAll());
    return List.copyOf(problems);
  }

  /** Whether this store's records and manifest are authenticated (format 2). */
  public boolean authenticated() {
    return auth != null;
  }

  /** The largest store header read, in bytes. */
  static final int MAX_HEADER = 64 * 1024;

  /** The shortest passphrase a new store accepts, in characters (code points). */
  public static final int MIN_PASSPHRASE = 12;

  /** What may be in a folder that {@code create} adopts: what an interrupted create left. */
  private static final Set<String> CREATE_LEFTOVERS =
      Set.of(FileLayout.LOCK, FileLayout.KEYS, FileLayout.SECRETS, FileLayout.LEASES);

  /** Whether {@code root} holds a store (its header, or a link in its place). */
  public static boolean exists(Path root) {
    return Files.exists(root.resolve(FileLayout.HEADER), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Opens (or creates) the store in {@code root}. Before the header is read, every file and folder
   * of the store (two levels deep) is checked: a symbolic link is a {@link TamperedException}; a
   * file or folder owned by another user or writable by group or others is an {@link
   * AccessDeniedException} unless {@code options.trustPermissions()}. {@code keys/default.keyset}
   * must exist: only {@code create} makes keysets.
   *
   * @throws NotFoundException if there is no store and {@code options.create()} is false, or its
   *     default keyset is missing
   * @throws AccessDeniedException if the credentials are wrong, or the store is not safely owned
   * @throws TamperedException if the store holds a symbolic link
   * @throws ConflictException if {@code create} finds a non-empty folder that is not a store
   * @throws IllegalArgumentException if a new store's passphrase is shorter than {@value
   *     #MIN_PASSPHRASE} characters
   */
  public static FileBackend open(Path root, Credentials credentials, Options options) {
    Path dir = root.toAbsolutePath().normalize();
    if (Files.isDirectory(dir)) {
      try {
        dir = dir.toRealPath(); // the folder itself may be reached through links; nothing inside
      } catch (IOException e) {
        throw AtomicFiles.failure("cannot resolve", dir, e);
      }
    }
    Path headerFile = dir.resolve(FileLayout.HEADER);
    if (!Files.exists(headerFile, LinkOption.NOFOLLOW_LINKS)) {
      if (!options.create()) {
        throw new NotFoundException("no strongroom store at " + dir + " (run `strongroom init`)");
      }
      return create(dir, credentials, options);
    }
    StoreSafety.check(dir, options.trustPermissions());
    StoreHeader header = StoreHeader.parse(headerFile, AtomicFiles.read(headerFile, MAX_HEADER));
    SecretValue master = header.unlock(credentials);
    Path keyset = FileLayout.keyFile(dir, DEFAULT_KEY);
    if (!Files.isRegularFile(keyset, LinkOption.NOFOLLOW_LINKS)) {
      master.wipe();
      throw new NotFoundException(
          "the store's default keyset "
              + keyset
              + " is missing: restore it from a backup (only init creates keysets; a new one would"
              + " open none of the stored secrets)");
    }
    Path opened = dir;
    StoreLock lock = new StoreLock(dir);
    try {
      lock.run(
          () -> {
            int removed =
                AtomicFiles.removeLeftovers(opened)
                    + AtomicFiles.removeLeftovers(opened.resolve(FileLayout.KEYS))
                    + AtomicFiles.removeLeftovers(opened.resolve(FileLayout.SECRETS))
                    + AtomicFiles.removeLeftovers(opened.resolve(FileLayout.LEASES));
            if (removed > 0) {
              LOG.info("removed {} unfinished temp file(s) in {}", removed, opened);
            }
          });
    } catch (RuntimeException e) {
      master.wipe();
      throw e;
    }
    StoreSafety.warnIfReadable(dir);
    if (!header.authenticated()) {
      LOG.warn(
          "strongroom store {} is format 1: its record metadata is not authenticated (edits and"
              + " rollbacks of records are not detected); create a new store to get format 2",
          dir);
    }
    FileBackend backend = new FileBackend(dir, master, options.clock(), header.authenticated());
    if (backend.manifest != null) {
      try {
        backend.manifest.entries(); // a missing or forged manifest fails the open
      } catch (RuntimeException e) {
        backend.close();
        throw e;
      }
    }
    return backend;
  }

  private static FileBackend create(Path dir, Credentials credentials, Options options) {
    if (credentials.isPassphrase()) {
      char[] chars = credentials.passphraseChars();
      try {
        String text = new String(chars);
        if (text.codePointCount(0, text.length()) < MIN_PASSPHRASE || text.isBlank()) {
          throw new IllegalArgumentException(
              "expected a passphrase of at least "
                  + MIN_PASSPHRASE
                  + " characters, not all blank, for a new store (or use a master key)");
        }
      } finally {
        Arrays.fill(chars, '\0');
      }
    }
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new ConflictException("cannot create a store at " + dir + ": it is not a folder");
      }
      try (Stream<Path> entries = Files.list(dir)) {
        String foreign =
            entries
                .map(p -> p.getFileName().toString())
                .filter(n -> !CREATE_LEFTOVERS.contains(n))
                .filter(n -> !n.startsWith(AtomicFiles.TEMP_PREFIX))
                .findFirst()
                .orElse(null);
        if (foreign != null) {
          throw new ConflictException(
              "refusing to create a store in "
                  + dir
                  + ": the folder is not empty (it holds '"
                  + foreign
                  + "'); name a new or empty folder");
        }
      } catch (IOException e) {
        throw AtomicFiles.failure("cannot list", dir, e);
      }
      // never chmod a folder we did not create: it must already be safe
      StoreSafety.check(dir, options.trustPermissions());
    } else {
      AtomicFiles.createDirectories(dir);
    }
    StoreLock lock = new StoreLock(dir);
    SecretValue[] master = new SecretValue[1];
    FileBackend backend =
        lock.call(
            () -> {
              Path headerFile = dir.resolve(FileLayout.HEADER);
              if (Files.exists(headerFile, LinkOption.NOFOLLOW_LINKS)) {
                throw new ConflictException("a store already exists at " + dir);
              }
              AtomicFiles.createDirectories(dir.resolve(FileLayout.KEYS));
              AtomicFiles.createDirectories(dir.resolve(FileLayout.SECRETS));
              StoreHeader header = StoreHeader.create(credentials, options.kdf(), master);
              FileBackend opened = new FileBackend(dir, master[0], options.clock(), true);
              opened.manifest.create();
              if (!opened.keyring.keyNames().contains(DEFAULT_KEY)) {
                opened.keyring.createKey(DEFAULT_KEY);
              }
              AtomicFiles.write(headerFile, header.toJson()); // last: the store exists once whole
              return opened;
            });
    LOG.info("created strongroom store at {}", dir);
    return backend;
  }

  /** The store folder. */
  public Path root() {
    return root;
  }

  @Override
  public boolean sealsWith(String kek) {
    return DEFAULT_KEY.equals(kek);
  }

  @Override
  public void keyChanged(String kek) {
    secrets.keyChanged();
  }

  @Override
  public String where() {
    return "the file store's secrets in " + root.resolve(FileLayout.SECRETS);
  }

  @Override
  public List<String> sealedNames() {
    return secrets.sealedNames();
  }

  @Override
  public int rewrapSealed(String name, java.util.function.Predicate<byte[]> stale, boolean dryRun) {
    return secrets.rewrapSealed(name, stale, dryRun);
  }

  @Override
  public SecretStore secrets() {
    return secrets;
  }

  @Override
  public FileKeyring keys() {
    return keyring;
  }

  /** The records of the leases issued on this store's secrets. */
  public FileLeases leaseRecords() {
    return leases;
  }

  /** The store's audit log, {@code audit.jsonl} in the store folder. */
  public Path auditFile() {
    return root.resolve(FileLayout.AUDIT);
  }

  /**
   * The key of the audit log's hash chain: HKDF-SHA256 of the master key with the label {@value
   * #AUDIT_CHAIN_LABEL}. Derived on demand, never stored; the caller owns and should wipe it.
   */
  public SecretValue auditChainKey() {
    byte[] ikm = masterKey.copyBytes();
    byte[] okm = new byte[32];
    try {
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
      hkdf.init(
          new HKDFParameters(ikm, null, AUDIT_CHAIN_LABEL.getBytes(StandardCharsets.US_ASCII)));
      hkdf.generateBytes(okm, 0, okm.length);
      return SecretValue.of(okm);
    } finally {
      Arrays.fill(ikm, (byte) 0);
      Arrays.fill(okm, (byte) 0);
    }
  }

  /**
   * A sink appending to {@link #auditFile()} under {@link #auditChainKey()}, safe to share with
   * other processes writing the same store (see {@link FileAuditSink}). The caller closes it.
   */
  public FileAuditSink openAuditSink() {
    return new FileAuditSink(auditFile(), lock, auditChainKey());
  }

  @Override
  public void close() {
    if (auth != null) {
      auth.wipe();
    }
    masterKey.wipe();
  }

  @Override
  public String toString() {
    return "FileBackend[" + root + "]";
  }
}
