package dev.strongroom.file.internal;

import dev.strongroom.SecretValue;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.envelope.Kek;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.SecretStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
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
 * crashed writer left behind (under the store lock, so no live writer is disturbed), and warns
 * loudly if any file or folder of the store is open to group or others.
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
   */
  public record Options(boolean create, KdfParams kdf, Clock clock) {
    /** Checks the fields. */
    public Options {
      Objects.requireNonNull(kdf, "kdf");
      Objects.requireNonNull(clock, "clock");
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

  private FileBackend(Path root, SecretValue masterKey, Clock clock) {
    this.root = root;
    this.masterKey = masterKey;
    StoreLock lock = new StoreLock(root);
    this.lock = lock;
    this.leases = new FileLeases(root, lock);
    this.keyring = new FileKeyring(root, masterKey, lock);
    this.secrets =
        new FileSecretStore(
            root,
            Envelope.builder().kek(Kek.of(keyring, DEFAULT_KEY)).clock(clock).build(),
            lock,
            clock);
  }

  /** Whether {@code root} holds a store. */
  public static boolean exists(Path root) {
    return Files.isRegularFile(root.resolve(FileLayout.HEADER));
  }

  /**
   * Opens (or creates) the store in {@code root}.
   *
   * @throws NotFoundException if there is no store and {@code options.create()} is false
   * @throws dev.strongroom.exception.AccessDeniedException if the credentials are wrong
   */
  public static FileBackend open(Path root, Credentials credentials, Options options) {
    Path dir = root.toAbsolutePath().normalize();
    Path headerFile = dir.resolve(FileLayout.HEADER);
    if (!Files.exists(headerFile)) {
      if (!options.create()) {
        throw new NotFoundException("no strongroom store at " + dir + " (run `strongroom init`)");
      }
      return create(dir, credentials, options);
    }
    if (Files.isDirectory(headerFile)) {
      throw new dev.strongroom.exception.StrongroomException("corrupt store header " + headerFile);
    }
    StoreHeader header = StoreHeader.parse(headerFile, AtomicFiles.read(headerFile));
    SecretValue master = header.unlock(credentials);
    StoreLock lock = new StoreLock(dir);
    lock.run(
        () -> {
          int removed =
              AtomicFiles.removeLeftovers(dir)
                  + AtomicFiles.removeLeftovers(dir.resolve(FileLayout.KEYS))
                  + AtomicFiles.removeLeftovers(dir.resolve(FileLayout.SECRETS))
                  + AtomicFiles.removeLeftovers(dir.resolve(FileLayout.LEASES));
          if (removed > 0) {
            LOG.info("removed {} unfinished temp file(s) in {}", removed, dir);
          }
        });
    warnIfExposed(dir);
    return new FileBackend(dir, master, options.clock());
  }

  private static FileBackend create(Path dir, Credentials credentials, Options options) {
    boolean existed = Files.isDirectory(dir);
    AtomicFiles.createDirectories(dir);
    if (existed) {
      AtomicFiles.restrictDirectory(dir);
    }
    StoreLock lock = new StoreLock(dir);
    SecretValue[] master = new SecretValue[1];
    FileBackend backend =
        lock.call(
            () -> {
              Path headerFile = dir.resolve(FileLayout.HEADER);
              if (Files.exists(headerFile)) {
                throw new ConflictException("a store already exists at " + dir);
              }
              AtomicFiles.createDirectories(dir.resolve(FileLayout.KEYS));
              AtomicFiles.createDirectories(dir.resolve(FileLayout.SECRETS));
              StoreHeader header = StoreHeader.create(credentials, options.kdf(), master);
              FileBackend opened = new FileBackend(dir, master[0], options.clock());
              if (!opened.keyring.keyNames().contains(DEFAULT_KEY)) {
                opened.keyring.createKey(DEFAULT_KEY);
              }
              AtomicFiles.write(headerFile, header.toJson()); // last: the store exists once whole
              return opened;
            });
    LOG.info("created strongroom store at {}", dir);
    return backend;
  }

  /** Logs a loud warning if anything in the store is readable or writable by group or others. */
  static List<Path> warnIfExposed(Path dir) {
    List<Path> exposed = new ArrayList<>();
    if (!AtomicFiles.isPosix(dir)) {
      return exposed;
    }
    Set<PosixFilePermission> open =
        EnumSet.complementOf(
            EnumSet.of(
                PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
    try (Stream<Path> files = Files.walk(dir, 2)) {
      files.forEach(
          p -> {
            try {
              Set<PosixFilePermission> perms =
                  Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
              if (perms.stream().anyMatch(open::contains)) {
                exposed.add(p);
              }
            } catch (IOException e) {
              // vanished while walking
            }
          });
    } catch (IOException | java.io.UncheckedIOException e) {
      LOG.warn("could not check the permissions of strongroom store {}", dir);
      return exposed;
    }
    if (!exposed.isEmpty()) {
      LOG.warn(
          "SECURITY WARNING: strongroom store {} has {} file(s) or folder(s) accessible by group"
              + " or others (e.g. {}); fix with: chmod -R go-rwx {}",
          dir,
          exposed.size(),
          exposed.get(0),
          dir);
    }
    return exposed;
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
    masterKey.wipe();
  }

  @Override
  public String toString() {
    return "FileBackend[" + root + "]";
  }
}
