package dev.strongroom.file.internal;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.kek.LocalKeyring;
import dev.strongroom.spi.GeneratedKey;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The store's KEKs: a {@link LocalKeyring} over the files {@code keys/NAME.keyset}, each a Tink
 * keyset encrypted under the master key. Another process may change the files at any time, so the
 * keyring is reloaded whenever their fingerprint (inode, size, modification time) changes, and
 * every change runs under the store lock on a freshly loaded keyring, so two processes never
 * overwrite each other's key versions.
 *
 * <p>Thread-safe.
 */
public final class FileKeyring implements KeyEncryptionService {
  static final String REF_PREFIX = "file:";

  /** The largest keyset file read, in bytes. */
  static final int MAX_KEYSET = 1024 * 1024;

  private record Loaded(LocalKeyring keyring, Map<String, String> fingerprint) {}

  private final Path root;
  private final Path keysDir;
  private final SecretValue masterKey;
  private final StoreLock lock;
  private volatile Loaded loaded;

  FileKeyring(Path root, SecretValue masterKey, StoreLock lock) {
    this.root = root;
    this.keysDir = root.resolve(FileLayout.KEYS);
    this.masterKey = masterKey;
    this.lock = lock;
    this.loaded = load();
  }

  /** The names of the keys, sorted. */
  @Override
  public List<String> keyNames() {
    return current().keyNames();
  }

  @Override
  public String keyRef(String keyName) {
    return REF_PREFIX + Objects.requireNonNull(keyName, "keyName");
  }

  @Override
  public java.util.OptionalInt wrappedVersion(byte[] wrapped) {
    return current().wrappedVersion(wrapped);
  }

  @Override
  public WrappedKey wrap(WrapRequest request) {
    return current().wrap(request);
  }

  @Override
  public GeneratedKey generate(WrapRequest.Generate request) {
    return current().generate(request);
  }

  @Override
  public SecretValue unwrap(UnwrapRequest request) {
    return retryingStale(k -> k.unwrap(request));
  }

  @Override
  public WrappedKey rewrap(UnwrapRequest request) {
    return retryingStale(k -> k.rewrap(request));
  }

  @Override
  public KeyInfo describe(String keyName) {
    return current().describe(keyName);
  }

  @Override
  public KeyInfo createKey(String keyName) {
    Path file = FileLayout.keyFile(root, keyName);
    return mutate(
        k -> {
          if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new ConflictException("key already exists: " + keyName);
          }
          return k.createKey(keyName);
        });
  }

  @Override
  public KeyInfo rotate(String keyName) {
    return mutate(k -> k.rotate(keyName));
  }

  @Override
  public KeyInfo setMinDecryptionVersion(String keyName, int version) {
    return mutate(k -> k.setMinDecryptionVersion(keyName, version));
  }

  @Override
  public void destroyKey(String keyName) {
    mutate(
        k -> {
          k.destroyKey(keyName);
          return null;
        });
  }

  private <T> T mutate(Function<LocalKeyring, T> change) {
    return lock.call(
        () -> {
          Loaded fresh = load();
          loaded = fresh;
          T result = change.apply(fresh.keyring());
          loaded = new Loaded(fresh.keyring(), fingerprint());
          return result;
        });
  }

  @SuppressWarnings("ReferenceEquality") // was the keyring replaced meanwhile: identity
  private <T> T retryingStale(Function<LocalKeyring, T> op) {
    Loaded used = loaded;
    LocalKeyring keyring = current();
    try {
      return op.apply(keyring);
    } catch (InvalidCiphertextException | dev.strongroom.exception.NotFoundException e) {
      if (used == loaded && fingerprint().equals(loaded.fingerprint())) {
        throw e;
      }
      return op.apply(current());
    }
  }

  private LocalKeyring current() {
    Loaded now = loaded;
    if (!fingerprint().equals(now.fingerprint())) {
      synchronized (this) {
        now = loaded;
        Map<String, String> seen = fingerprint();
        if (!seen.equals(now.fingerprint())) {
          now = load();
          loaded = now;
        }
      }
    }
    return now.keyring();
  }

  private Loaded load() {
    for (int attempt = 0; ; attempt++) {
      Map<String, String> before = fingerprint();
      Map<String, byte[]> blobs = new TreeMap<>();
      for (String name : before.keySet()) {
        Path file = FileLayout.keyFile(root, name);
        byte[] blob = AtomicFiles.read(file, MAX_KEYSET);
        try {
          LocalKeyring.persistent(REF_PREFIX, Map.of(name, blob), masterKey, (n, b) -> {});
        } catch (InvalidCiphertextException | IllegalArgumentException e) {
          if (attempt < 3 && !fingerprint().equals(before)) {
            break; // changed under us: load again
          }
          throw new StrongroomException("corrupt key file " + file, e);
        }
        blobs.put(name, blob);
      }
      if (blobs.size() == before.size() && fingerprint().equals(before)) {
        return new Loaded(
            LocalKeyring.persistent(REF_PREFIX, blobs, masterKey, this::persist), before);
      }
      if (attempt >= 10) {
        throw new StrongroomException("key files keep changing under " + keysDir);
      }
    }
  }

  private void persist(String name, byte[] encryptedKeyset) {
    Path file = FileLayout.keyFile(root, name);
    lock.run(
        () -> {
          if (encryptedKeyset == null) {
            AtomicFiles.delete(file);
          } else {
            AtomicFiles.write(file, encryptedKeyset);
          }
        });
  }

  private Map<String, String> fingerprint() {
    Map<String, String> out = new TreeMap<>();
    AtomicFiles.refuseLink(keysDir);
    if (!Files.isDirectory(keysDir)) {
      return out;
    }
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(keysDir, "*" + FileLayout.KEYSET_SUFFIX)) {
      for (Path file : files) {
        String fileName = file.getFileName().toString();
        if (fileName.startsWith(".")) {
          continue;
        }
        try {
          BasicFileAttributes a =
              Files.readAttributes(
                  file, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
          if (a.isSymbolicLink()) {
            throw AtomicFiles.linked(file);
          }
          out.put(
              fileName.substring(0, fileName.length() - FileLayout.KEYSET_SUFFIX.length()),
              a.fileKey() + "/" + a.size() + "/" + a.lastModifiedTime());
        } catch (java.nio.file.NoSuchFileException e) {
          // deleted while listing
        }
      }
    } catch (IOException e) {
      throw AtomicFiles.failure("cannot list", keysDir, e);
    }
    return out;
  }
}
