package dev.strongroom.file.internal;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.internal.retire.RewritableStore;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secrets in files: one JSON file per secret under {@code secrets/}, holding every version's
 * metadata in clear and its value sealed by the {@link Envelope} under the store's {@code default}
 * KEK, with the secret's name and version number bound as encryption context (so a value copied
 * into another secret or version does not open).
 *
 * <p>Design: readers take no lock: every file is replaced by an atomic rename, so a reader sees a
 * whole old or a whole new file. Every read-modify-write runs under the {@link StoreLock} (in-
 * process lock plus an inter-process file lock) and re-reads the file inside it, so check-and-set
 * holds across processes. A corrupt file fails only the operations on its own secret, naming the
 * file; nothing is rewritten to repair it.
 *
 * <p>Thread-safe.
 */
final class FileSecretStore implements SecretStore, RewritableStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileSecretStore.class);
  static final String CONTEXT_SECRET = "strongroom.secret";
  static final String CONTEXT_VERSION = "strongroom.version";

  /**
   * The largest secret file read or written, in bytes (32 MiB): a larger file is refused before
   * anything is allocated, and a write that would make one is refused.
   */
  static final int MAX_RECORD = 32 * 1024 * 1024;

  private final Path root;
  private final Path dir;
  private final Envelope envelope;
  private final StoreLock lock;
  private final Clock clock;
  private final RecordAuth auth; // null: a legacy store, records unauthenticated
  private final Manifest manifest; // null with auth

  FileSecretStore(
      Path root,
      Envelope envelope,
      StoreLock lock,
      Clock clock,
      RecordAuth auth,
      Manifest manifest) {
    this.root = root;
    this.dir = root.resolve(FileLayout.SECRETS);
    this.envelope = envelope;
    this.lock = lock;
    this.clock = clock;
    this.auth = auth;
    this.manifest = manifest;
  }

  /**
   * Checks every record: each file under {@code secrets/} is read and (in an authenticated store)
   * its MAC and generation are checked against the manifest, and every name the manifest holds as
   * live must have a file. Values are not decrypted.
   *
   * @return one line per failing record: its name (or file) and what is wrong; empty if all pass
   */
  List<String> verifyAll() {
    List<String> problems = new ArrayList<>();
    java.util.Set<String> seen = new java.util.TreeSet<>();
    AtomicFiles.refuseLink(dir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = FileLayout.secretName(file.getFileName().toString());
        if (name == null) {
          continue;
        }
        seen.add(name);
        try {
          load(name);
        } catch (StrongroomException e) {
          problems.add(name + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw AtomicFiles.failure("cannot list", dir, e);
    }
    if (manifest != null) {
      manifest
          .entries()
          .forEach(
              (name, entry) -> {
                if (entry.live()
                    && !name.startsWith(FileLeases.MANIFEST_PREFIX)
                    && !seen.contains(name)) {
                  problems.add(
                      name
                          + ": the record file is missing but the manifest holds generation "
                          + entry.generation());
                }
              });
    }
    problems.sort(null);
    return problems;
  }

  @Override
  public Optional<StoredSecret> read(ReadRequest request) {
    Objects.requireNonNull(request, "request");
    SecretRecord record = load(request.name());
    if (record == null || record.deleted()) {
      return Optional.empty();
    }
    Optional<SecretRecord.Version> version =
        request.version() > 0
            ? record.version(request.version())
            : record.withStage(request.stage());
    if (version.isEmpty() || version.get().destroyed()) {
      return Optional.empty();
    }
    SecretRecord.Version v = version.get();
    byte[] plain;
    try {
      plain = envelope.decrypt(v.sealed(), context(record.name(), v.number()));
    } catch (InvalidCiphertextException e) {
      throw new StrongroomException(
          "corrupt secret file "
              + file(record.name())
              + ": version "
              + v.number()
              + " does not decrypt",
          e);
    }
    try {
      return Optional.of(StoredSecret.of(v.toSpi(record.name()), SecretValue.of(plain)));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  @Override
  public SecretVersion write(WriteRequest request) {
    Objects.requireNonNull(request, "request");
    String name = request.name();
    Path file = file(name);
    return lock.call(
        () -> {
          SecretRecord record = load(name);
          if (record != null && record.deleted()) {
            throw new ConflictException("secret is deleted: " + name + " (undelete it first)");
          }
          long latest = record == null ? 0 : record.latest();
          long expected = request.expectedVersion();
          if (expected != WriteRequest.ANY_VERSION && expected != latest) {
            throw new ConflictException(
                "check-and-set failed for "
                    + name
                    + ": expected version "
                    + expected
                    + " but the latest is "
                    + latest);
          }
          long number = latest + 1;
          byte[] plain = request.value().copyBytes();
          byte[] sealed;
          try {
            sealed = envelope.encrypt(plain, context(name, number));
          } finally {
            Arrays.fill(plain, (byte) 0);
          }
          SecretRecord base = record == null ? new SecretRecord(name, false, List.of()) : record;
          SecretRecord updated =
              base.append(
                  new SecretRecord.Version(number, clock.instant(), java.util.Set.of(), sealed),
                  request.stage());
          store(file, updated);
          LOG.debug("wrote version {} of secret {}", number, name);
          return updated.version(number).orElseThrow().toSpi(name);
        });
  }

  @Override
  public List<String> list(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    List<String> names = new ArrayList<>();
    AtomicFiles.refuseLink(dir);
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = FileLayout.secretName(file.getFileName().toString());
        if (name == null || !name.startsWith(prefix)) {
          continue;
        }
        try {
          SecretRecord record = load(name);
          if (record != null && !record.deleted()) {
            names.add(name);
          }
        } catch (StrongroomException e) {
          LOG.warn("listing {} although it cannot be read: {}", name, e.getMessage());
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw AtomicFiles.failure("cannot list", dir, e);
    }
    names.sort(null);
    return names;
  }

  @Override
  public SecretMetadata metadata(String name) {
    return existing(name).toMetadata();
  }

  @Override
  public SecretMetadata moveStage(MoveStageRequest request) {
    String name = request.name();
    Stage stage = request.stage();
    long version = request.version();
    long expectedCurrent = request.expectedCurrent();
    Objects.requireNonNull(stage, "stage");
    return update(
            name,
            record -> {
              if (record.deleted()) {
                throw new NotFoundException("no such secret: " + name);
              }
              long current =
                  record.withStage(Stage.CURRENT).map(SecretRecord.Version::number).orElse(0L);
              if (expectedCurrent != 0 && expectedCurrent != current) {
                throw new ConflictException(
                    "check-and-set failed for "
                        + name
                        + ": expected current version "
                        + expectedCurrent
                        + " but it is "
                        + current);
              }
              SecretRecord.Version target =
                  record
                      .version(version)
                      .orElseThrow(
                          () -> new NotFoundException("no version " + version + " of " + name));
              if (target.destroyed()) {
                throw new NotFoundException("version " + version + " of " + name + " is destroyed");
              }
              return record.moveStage(stage, version);
            })
        .toMetadata();
  }

  @Override
  public void delete(String name) {
    update(name, r -> r.withDeleted(true));
  }

  @Override
  public void undelete(String name) {
    update(name, r -> r.withDeleted(false));
  }

  @Override
  public void destroy(DestroyRequest request) {
    String name = request.name();
    List<Long> versions = request.versions();
    Objects.requireNonNull(versions, "versions");
    for (Long v : versions) {
      if (v == null || v < 1) {
        throw new IllegalArgumentException("expected version numbers >= 1 but got " + v);
      }
    }
    if (versions.isEmpty()) {
      // the record is not parsed: a corrupt (or linked) record can be destroyed too
      lock.run(
          () -> {
            Path file = file(name);
            boolean present = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
            Manifest.Entry entry = manifest == null ? null : manifest.get(name);
            if (!present && (entry == null || !entry.live())) {
              throw new NotFoundException("no such secret: " + name);
            }
            if (manifest != null) {
              // tombstone first: a crash before the delete leaves a file that reads as destroyed
              long last = entry == null ? 0 : entry.generation();
              manifest.put(name, new Manifest.Entry(last + 1, false));
            }
            AtomicFiles.delete(file);
            LOG.debug("destroyed secret {}", name);
          });
      return;
    }
    update(
        name,
        record -> {
          SecretRecord out = record;
          for (long v : versions) {
            if (record.version(v).isEmpty()) {
              throw new NotFoundException("no version " + v + " of " + name);
            }
            out = out.destroy(v);
          }
          return out;
        });
  }

  private SecretRecord update(String name, UnaryOperator<SecretRecord> change) {
    return lock.call(
        () -> {
          SecretRecord updated = change.apply(existing(name));
          store(file(name), updated);
          return updated;
        });
  }

  private SecretRecord existing(String name) {
    SecretRecord record = load(name);
    if (record == null) {
      throw new NotFoundException("no such secret: " + name);
    }
    return record;
  }

  /**
   * The record of {@code name}, or null if it has no file (or, in an authenticated store, its file
   * is a copy the manifest holds as destroyed). Readers take no lock, so the manifest entry is read
   * before the record: a writer replaces the record before the manifest, and tombstones the
   * manifest before deleting a record, so a record read after its entry is never older than the
   * entry unless someone rolled it back. An anomaly is read once more before it is reported, in
   * case a writer finished in between.
   */
  private SecretRecord load(String name) {
    Path file = file(name);
    for (int attempt = 0; ; attempt++) {
      boolean last = attempt >= 2;
      Manifest.Entry entry = manifest == null ? null : manifest.get(name);
      byte[] bytes;
      try {
        bytes = AtomicFiles.readOrThrow(file, MAX_RECORD);
      } catch (java.nio.file.NoSuchFileException e) {
        if (entry != null && entry.live()) {
          if (!last) {
            continue;
          }
          throw new TamperedException(
              "secret file "
                  + file
                  + " is missing but the store manifest holds generation "
                  + entry.generation()
                  + " of it (deleted outside strongroom?); restore it, or destroy the secret");
        }
        return null;
      } catch (IOException e) {
        throw AtomicFiles.failure("cannot read", file, e);
      }
      SecretRecord record = SecretRecord.parse(file, name, bytes);
      if (auth == null) {
        return record;
      }
      if (!RecordAuth.same(record.mac(), auth.recordTag(record))) {
        throw new TamperedException(
            "secret file "
                + file
                + " failed its integrity check (edited, forged, or copied from another name)");
      }
      if (entry != null) {
        if (!entry.live() && record.generation() <= entry.generation()) {
          return null; // destroyed: a copy left by a crash, or restored from a backup
        }
        if (entry.live() && record.generation() < entry.generation()) {
          if (!last) {
            continue;
          }
          throw new TamperedException(
              "secret file "
                  + file
                  + " is an older copy of its record (generation "
                  + record.generation()
                  + ", the store manifest holds "
                  + entry.generation()
                  + "): rolled back?");
        }
      }
      return record;
    }
  }

  private void store(Path file, SecretRecord record) {
    byte[] json;
    long generation = 0;
    if (auth == null) {
      json = record.toJson(null);
    } else {
      Manifest.Entry entry = manifest.get(record.name());
      generation = Math.max(record.generation(), entry == null ? 0 : entry.generation()) + 1;
      SecretRecord next = record.withGeneration(generation);
      json = next.toJson(auth.recordTag(next));
    }
    if (json.length > MAX_RECORD) {
      throw new IllegalArgumentException(
          "expected the secret file to stay within "
              + MAX_RECORD
              + " bytes but it would be "
              + json.length
              + " (destroy old versions first)");
    }
    AtomicFiles.write(file, json);
    if (manifest != null) {
      manifest.put(record.name(), new Manifest.Entry(generation, true)); // after the record
    }
  }

  private Path file(String name) {
    return FileLayout.secretFile(root, Objects.requireNonNull(name, "name"));
  }

  private static EncryptionContext context(String name, long version) {
    return EncryptionContext.of(CONTEXT_SECRET, name, CONTEXT_VERSION, Long.toString(version));
  }

  /**
   * Key retirement's hook: counts the sealed values of secret {@code name} (every version not
   * destroyed, deleted secrets included) that {@code stale} accepts and, unless {@code dryRun},
   * rewraps each to the primary version of the store's KEK in place, under the store lock (numbers,
   * stages and dates unchanged; the body is not decrypted).
   */
  int rewrapSealed(String name, Predicate<byte[]> stale, boolean dryRun) {
    return lock.call(
        () -> {
          SecretRecord record = load(name);
          if (record == null) {
            return 0;
          }
          int count = 0;
          List<SecretRecord.Version> out = new ArrayList<>(record.versions().size());
          for (SecretRecord.Version v : record.versions()) {
            if (v.destroyed() || !stale.test(v.sealed())) {
              out.add(v);
              continue;
            }
            count++;
            out.add(
                dryRun
                    ? v
                    : new SecretRecord.Version(
                        v.number(), v.created(), v.stages(), envelope.rewrap(v.sealed())));
          }
          if (count > 0 && !dryRun) {
            store(file(name), record.withVersions(out));
          }
          return count;
        });
  }

  /**
   * Key retirement's hook for values a room sealed itself (tenant secrets): opens each stored value
   * of secret {@code name} (every version not destroyed, deleted secrets included), counts those
   * {@code stale} accepts and, unless {@code dryRun}, replaces each with {@code rewrap} of it,
   * sealed again under the store's KEK with the same name and version bound, under the store lock
   * (numbers, stages and dates unchanged).
   */
  @Override
  public int rewrapVersions(
      String name, Predicate<byte[]> stale, UnaryOperator<byte[]> rewrap, boolean dryRun) {
    return lock.call(
        () -> {
          SecretRecord record = load(name);
          if (record == null) {
            return 0;
          }
          int count = 0;
          List<SecretRecord.Version> out = new ArrayList<>(record.versions().size());
          for (SecretRecord.Version v : record.versions()) {
            if (v.destroyed()) {
              out.add(v);
              continue;
            }
            EncryptionContext context = context(record.name(), v.number());
            byte[] plain = envelope.decrypt(v.sealed(), context);
            byte[] fresh = null;
            try {
              if (!stale.test(plain)) {
                out.add(v);
                continue;
              }
              count++;
              if (dryRun) {
                out.add(v);
                continue;
              }
              fresh = rewrap.apply(plain);
              out.add(
                  new SecretRecord.Version(
                      v.number(), v.created(), v.stages(), envelope.encrypt(fresh, context)));
            } finally {
              Arrays.fill(plain, (byte) 0);
              if (fresh != null) {
                Arrays.fill(fresh, (byte) 0);
              }
            }
          }
          if (count > 0 && !dryRun) {
            store(file(name), record.withVersions(out));
          }
          return count;
        });
  }

  /** Every stored secret's name, deleted ones included, sorted; and forgets cached data keys. */
  List<String> sealedNames() {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = FileLayout.secretName(file.getFileName().toString());
        if (name != null) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw AtomicFiles.failure("cannot list", dir, e);
    }
    names.sort(null);
    return names;
  }

  /** Forgets cached data keys, so that new values use the KEK's primary version. */
  void keyChanged() {
    envelope.invalidateCaches();
  }
}
