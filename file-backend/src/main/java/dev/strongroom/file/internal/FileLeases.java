package dev.strongroom.file.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
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
 * under the store lock, re-read inside the lock.
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

  private final Path dir;
  private final StoreLock lock;

  FileLeases(Path root, StoreLock lock) {
    this.dir = root.resolve(FileLayout.LEASES);
    this.lock = lock;
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
          if (Files.exists(file)) {
            throw new ConflictException("lease already exists: " + lease.id());
          }
          AtomicFiles.createDirectories(dir);
          AtomicFiles.write(file, toJson(lease));
          return lease;
        });
  }

  /** The lease {@code id}, if recorded. */
  public Optional<Lease> find(String id) {
    return Optional.ofNullable(load(file(id)));
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
          Lease lease = load(file);
          if (lease != null) {
            out.add(lease);
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
          Lease lease = load(file);
          if (lease == null) {
            throw new NotFoundException("no such lease: " + id);
          }
          Lease updated = change.apply(lease);
          AtomicFiles.write(file, toJson(updated));
          return updated;
        });
  }

  private Path file(String id) {
    Objects.requireNonNull(id, "id");
    return dir.resolve(FileLayout.encode(id) + FileLayout.LEASE_SUFFIX);
  }

  private static Lease load(Path file) {
    byte[] bytes;
    try {
      bytes = AtomicFiles.readOrThrow(file, MAX_LEASE);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw AtomicFiles.failure("cannot read", file, e);
    }
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || n.path("format").asInt() != FORMAT) {
        throw corrupt(file, null);
      }
      return new Lease(
          n.path("id").textValue(),
          n.path("secret").textValue(),
          n.path("version").asLong(),
          Instant.parse(n.path("issued").asText()),
          Duration.parse(n.path("ttl").asText()),
          Duration.parse(n.path("maxTtl").asText()),
          Instant.parse(n.path("expires").asText()),
          n.path("revoked").asBoolean());
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

  private static byte[] toJson(Lease lease) {
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
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode lease record", e);
    }
  }
}
