package dev.strongroom.file.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.exception.TamperedException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Records of the leases the library issued on this store's secrets, so that they outlive the
 * process that issued them (the CLI runs one process per command): one JSON file per lease under
 * {@code leases/}, holding its id, secret name and version, when it was issued, its TTL, maximum
 * TTL, current end and whether it was revoked. Never a value. Written like secrets: atomically,
 * under the store lock, re-read inside the lock. In an authenticated (format 2) store each record
 * carries an HMAC over every field and its generation, and the store manifest holds its latest
 * generation, so an edit (un-revoking, extending) or an older copy is a {@link TamperedException}.
 *
 * <p>Thread-safe.
 */
public final class FileLeases {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORMAT = 1;

  /** The largest lease file read, in bytes. */
  static final int MAX_LEASE = 64 * 1024;

  /**
   * One lease record. Not secret. Immutable.
   *
   * @param id the lease id
   * @param secret the secret's name
   * @param version the secret version leased
   * @param issued when it was issued
   * @param ttl the TTL each grant (the first and every renewal) lasts
   * @param maxTtl how long after {@code issued} it ends for good
   * @param expires when the current grant ends (never after {@code issued + maxTtl})
   * @param revoked whether it was revoked
   */
  public record Lease(
      String id,
      String secret,
      long version,
      Instant issued,
      Duration ttl,
      Duration maxTtl,
      Instant expires,
      boolean revoked) {
    /** Checks the fields. */
    public Lease {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(secret, "secret");
      Objects.requireNonNull(issued, "issued");
      Objects.requireNonNull(ttl, "ttl");
      Objects.requireNonNull(maxTtl, "maxTtl");
      Objects.requireNonNull(expires, "expires");
    }

    /** The end of its maximum TTL. */
    public Instant maxEnd() {
      return issued.plus(maxTtl);
    }

    /** {@code active}, {@code expired} or {@code revoked} at {@code now}. */
    public String state(Instant now) {
      return revoked ? "revoked" : now.isBefore(expires) ? "active" : "expired";
    }

    /** Whether the lease is neither revoked nor past its end at {@code now}. */
    public boolean active(Instant now) {
      return !revoked && now.isBefore(expires);
    }

    /** Fails unless the lease is active at {@code now}. */
    public Lease checkActive(Instant now) {
      if (revoked) {
        throw new LeaseExpiredException("lease " + id + " was revoked");
      }
      if (!now.isBefore(expires)) {
        throw new LeaseExpiredException("lease " + id + " ended at " + expires);
      }
      return this;
    }
  }

  /** Manifest keys of leases: a NUL (never in a secret name) keeps them apart from secrets. */
  static final String MANIFEST_PREFIX = "\u0000lease/";

  private record Loaded(Lease lease, long generation) {}

  private final Path dir;
  private final StoreLock lock;
  private final RecordAuth auth; // null in a legacy store
  private final Manifest manifest;

  FileLeases(Path root, StoreLock lock, RecordAuth auth, Manifest manifest) {
    this.dir = root.resolve(FileLayout.LEASES);
    this.lock = lock;
    this.auth = auth;
    this.manifest = manifest;
  }

  /**
   * Records a newly issued lease.
   *
   * @throws ConflictException if a lease with that id exists
   */
  public Lease issue(Lease lease) {
    Objects.requireNonNull(lease, "lease");
    return lock.call(
        () -> {
          Path file = file(lease.id());
          if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
              || (manifest != null && manifest.get(MANIFEST_PREFIX + lease.id()) != null)) {
            throw new ConflictException("lease already exists: " + lease.id());
          }
          AtomicFiles.createDirectories(dir);
          store(file, lease, 0);
          return lease;
        });
  }

  /** The lease {@code id}, if recorded. */
  public Optional<Lease> find(String id) {
    Loaded loaded = load(file(id), id);
    return Optional.ofNullable(loaded == null ? null : loaded.lease());
  }

  /**
   * Extends an active lease at {@code now} by its TTL, never past its maximum TTL.
   *
   * @throws NotFoundException if there is no such lease
   * @throws LeaseExpiredException if it was revoked, has ended or reached its maximum TTL
   */
  public Lease renew(String id, Instant now) {
    return update(
        id,
        lease -> {
          lease.checkActive(now);
          if (!now.isBefore(lease.maxEnd())) {
            throw new LeaseExpiredException("lease " + id + " reached its maximum TTL");
          }
          Instant end = now.plus(lease.ttl());
          if (end.isAfter(lease.maxEnd())) {
            end = lease.maxEnd();
          }
          return new Lease(
              id,
              lease.secret(),
              lease.version(),
              lease.issued(),
              lease.ttl(),
              lease.maxTtl(),
              end,
              false);
        });
  }

  /**
   * Marks a lease revoked (idempotent).
   *
   * @throws NotFoundException if there is no such lease
   */
  public Lease revoke(String id) {
    return update(
        id,
        lease ->
            new Lease(
                id,
                lease.secret(),
                lease.version(),
                lease.issued(),
                lease.ttl(),
                lease.maxTtl(),
                lease.expires(),
                true));
  }

  /** Every recorded lease, oldest first. A corrupt record fails the listing, naming its file. */
  public List<Lease> list() {
    List<Lease> out = new ArrayList<>();
    AtomicFiles.refuseLink(dir);
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(dir, "*" + FileLayout.LEASE_SUFFIX)) {
      for (Path file : files) {
        if (!file.getFileName().toString().startsWith(".")) {
          String name = file.getFileName().toString();
          String id;
          try {
            id =
                FileLayout.decode(
                    name.substring(0, name.length() - FileLayout.LEASE_SUFFIX.length()));
          } catch (IllegalArgumentException e) {
            continue;
          }
          Loaded loaded = load(file, id);
          if (loaded != null) {
            out.add(loaded.lease());
          }
        }
      }
    } catch (IOException e) {
      throw AtomicFiles.failure("cannot list", dir, e);
    }
    out.sort(Comparator.comparing(Lease::issued).thenComparing(Lease::id));
    return out;
  }

  private Lease update(String id, UnaryOperator<Lease> change) {
    return lock.call(
        () -> {
          Path file = file(id);
          Loaded loaded = load(file, id);
          if (loaded == null) {
            throw new NotFoundException("no such lease: " + id);
          }
          Lease updated = change.apply(loaded.lease());
          store(file, updated, loaded.generation());
          return updated;
        });
  }

  private Path file(String id) {
    Objects.requireNonNull(id, "id");
    return dir.resolve(FileLayout.encode(id) + FileLayout.LEASE_SUFFIX);
  }

  /** Checks every lease record as {@code FileSecretStore.verifyAll} does secrets. */
  List<String> verifyAll() {
    List<String> problems = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    AtomicFiles.refuseLink(dir);
    if (Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> files =
          Files.newDirectoryStream(dir, "*" + FileLayout.LEASE_SUFFIX)) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          if (name.startsWith(".")) {
            continue;
          }
          String id;
          try {
            id =
                FileLayout.decode(
                    name.substring(0, name.length() - FileLayout.LEASE_SUFFIX.length()));
          } catch (IllegalArgumentException e) {
            continue;
          }
          seen.add(id);
          try {
            load(file, id);
          } catch (StrongroomException e) {
            problems.add("lease " + id + ": " + e.getMessage());
          }
        }
      } catch (IOException e) {
        throw AtomicFiles.failure("cannot list", dir, e);
      }
    }
    if (manifest != null) {
      manifest
          .entries()
          .forEach(
              (key, entry) -> {
                if (key.startsWith(MANIFEST_PREFIX)
                    && entry.live()
                    && !seen.contains(key.substring(MANIFEST_PREFIX.length()))) {
                  problems.add(
                      "lease "
                          + key.substring(MANIFEST_PREFIX.length())
                          + ": the record file is missing but the manifest holds it");
                }
              });
    }
    problems.sort(null);
    return problems;
  }

  private void store(Path file, Lease lease, long fileGeneration) {
    if (auth == null) {
      AtomicFiles.write(file, toJson(lease, 0, null));
      return;
    }
    Manifest.Entry entry = manifest.get(MANIFEST_PREFIX + lease.id());
    long generation = Math.max(fileGeneration, entry == null ? 0 : entry.generation()) + 1;
    AtomicFiles.write(file, toJson(lease, generation, auth.leaseTag(lease, generation)));
    manifest.put(MANIFEST_PREFIX + lease.id(), new Manifest.Entry(generation, true));
  }

  /**
   * The lease in {@code file}, checked (in an authenticated store) against its MAC and its manifest
   * generation, the entry read first as for secrets (see {@code FileSecretStore}).
   */
  private Loaded load(Path file, String id) {
    for (int attempt = 0; ; attempt++) {
      boolean last = attempt >= 2;
      Manifest.Entry entry = manifest == null ? null : manifest.get(MANIFEST_PREFIX + id);
      byte[] bytes;
      try {
        bytes = AtomicFiles.readOrThrow(file, MAX_LEASE);
      } catch (NoSuchFileException e) {
        if (entry != null && entry.live()) {
          if (!last) {
            continue;
          }
          throw new TamperedException(
              "lease file " + file + " is missing but the store manifest holds it");
        }
        return null;
      } catch (IOException e) {
        throw AtomicFiles.failure("cannot read", file, e);
      }
      Loaded loaded = parse(file, bytes);
      if (auth == null) {
        return loaded;
      }
      if (!loaded.lease().id().equals(id)
          || !RecordAuth.same(tagOf(bytes), auth.leaseTag(loaded.lease(), loaded.generation()))) {
        throw new TamperedException(
            "lease file " + file + " failed its integrity check (edited, forged, or copied)");
      }
      if (entry != null && loaded.generation() < entry.generation()) {
        if (!last) {
          continue;
        }
        throw new TamperedException(
            "lease file "
                + file
                + " is an older copy of its record (generation "
                + loaded.generation()
                + ", the store manifest holds "
                + entry.generation()
                + "): rolled back?");
      }
      return loaded;
    }
  }

  private static byte[] tagOf(byte[] bytes) {
    try {
      JsonNode mac = JSON.readTree(bytes).path("mac");
      return mac.isTextual() ? java.util.Base64.getDecoder().decode(mac.asText()) : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private static Loaded parse(Path file, byte[] bytes) {
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || n.path("format").asInt() != FORMAT) {
        throw corrupt(file, null);
      }
      return new Loaded(
          new Lease(
              n.path("id").textValue(),
              n.path("secret").textValue(),
              n.path("version").asLong(),
              Instant.parse(n.path("issued").asText()),
              Duration.parse(n.path("ttl").asText()),
              Duration.parse(n.path("maxTtl").asText()),
              Instant.parse(n.path("expires").asText()),
              n.path("revoked").asBoolean()),
          n.path("generation").asLong());
    } catch (IOException | RuntimeException e) {
      if (e instanceof StrongroomException) {
        throw (StrongroomException) e;
      }
      // the parser's message may quote the file's text: keep only its class
      throw corrupt(file, new StrongroomException(e.getClass().getSimpleName()));
    }
  }

  private static StrongroomException corrupt(Path file, Exception cause) {
    return new StrongroomException("corrupt lease file " + file, cause);
  }

  private static byte[] toJson(Lease lease, long generation, byte[] tag) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", FORMAT);
    n.put("id", lease.id());
    n.put("secret", lease.secret());
    n.put("version", lease.version());
    n.put("issued", lease.issued().toString());
    n.put("ttl", lease.ttl().toString());
    n.put("maxTtl", lease.maxTtl().toString());
    n.put("expires", lease.expires().toString());
    n.put("revoked", lease.revoked());
    if (tag != null) {
      n.put("generation", generation);
      n.put("mac", java.util.Base64.getEncoder().encodeToString(tag));
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode lease record", e);
    }
  }
}
