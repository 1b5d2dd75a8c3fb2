package dev.strongroom.internal.memory;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.internal.retire.RewritableStore;
import dev.strongroom.internal.room.Names;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A {@link SecretStore} held in this process's memory, for tests and the {@code memory:} backend.
 * Values are copied in and out, so callers own what they pass and receive; destroyed values are
 * wiped.
 *
 * <p>Thread-safe: every operation holds the store's lock (it is a test backend; simplicity wins).
 */
public final class MemorySecretStore implements SecretStore, RewritableStore {

  private static final class Version {
    final long number;
    final Instant created;
    final EnumSet<Stage> stages = EnumSet.noneOf(Stage.class);
    SecretValue value;

    Version(long number, Instant created, SecretValue value) {
      this.number = number;
      this.created = created;
      this.value = value;
    }
  }

  private static final class Secret {
    final TreeMap<Long, Version> versions = new TreeMap<>();
    boolean deleted;

    long latest() {
      return versions.isEmpty() ? 0 : versions.lastKey();
    }

    Version withStage(Stage stage) {
      for (Version v : versions.values()) {
        if (v.stages.contains(stage)) {
          return v;
        }
      }
      return null;
    }
  }

  private final Clock clock;
  private final Map<String, Secret> secrets = new TreeMap<>();

  private MemorySecretStore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** An empty store whose version timestamps come from {@code clock}. */
  public static MemorySecretStore create(Clock clock) {
    return new MemorySecretStore(clock);
  }

  @Override
  public synchronized Optional<StoredSecret> read(ReadRequest request) {
    Objects.requireNonNull(request, "request");
    Secret secret = secrets.get(Names.check(request.name()));
    if (secret == null || secret.deleted) {
      return Optional.empty();
    }
    Version v =
        request.version() > 0
            ? secret.versions.get(request.version())
            : secret.withStage(request.stage());
    if (v == null || v.value == null) {
      return Optional.empty();
    }
    return Optional.of(
        StoredSecret.of(describe(request.name(), v), SecretValue.of(v.value.copyBytes())));
  }

  @Override
  public synchronized SecretVersion write(WriteRequest request) {
    Objects.requireNonNull(request, "request");
    String name = Names.check(request.name());
    Secret secret = secrets.get(name);
    long latest = secret == null ? 0 : secret.latest();
    long expected = request.expectedVersion();
    if (expected != WriteRequest.ANY_VERSION && expected != latest) {
      throw new ConflictException(
          "check-and-set failed for '"
              + name
              + "': expected version "
              + expected
              + " but the latest is "
              + latest);
    }
    if (secret != null && secret.deleted) {
      throw new ConflictException("secret '" + name + "' is deleted; undelete it first");
    }
    if (secret == null) {
      secret = new Secret();
      secrets.put(name, secret);
    }
    Version v =
        new Version(latest + 1, clock.instant(), SecretValue.of(request.value().copyBytes()));
    secret.versions.put(v.number, v);
    if (request.stage() == Stage.CURRENT) {
      promote(secret, v);
    } else {
      label(secret, v, request.stage());
    }
    return describe(name, v);
  }

  @Override
  public synchronized List<String> list(String prefix) {
    Names.checkPrefix(prefix);
    List<String> names = new ArrayList<>();
    secrets.forEach(
        (name, secret) -> {
          if (!secret.deleted && name.startsWith(prefix)) {
            names.add(name);
          }
        });
    return List.copyOf(names);
  }

  @Override
  public synchronized SecretMetadata metadata(String name) {
    return metadata(name, require(name));
  }

  @Override
  public synchronized SecretMetadata moveStage(MoveStageRequest request) {
    String name = request.name();
    Stage stage = request.stage();
    long version = request.version();
    long expectedCurrent = request.expectedCurrent();
    Objects.requireNonNull(stage, "stage");
    if (version < 1 || expectedCurrent < 0) {
      throw new IllegalArgumentException(
          "expected version >= 1 and expectedCurrent >= 0 but were "
              + version
              + " and "
              + expectedCurrent);
    }
    Secret secret = require(name);
    if (secret.deleted) {
      throw new ConflictException("secret '" + name + "' is deleted; undelete it first");
    }
    Version current = secret.withStage(Stage.CURRENT);
    long currentNumber = current == null ? 0 : current.number;
    if (expectedCurrent != 0 && expectedCurrent != currentNumber) {
      throw new ConflictException(
          "check-and-set failed for '"
              + name
              + "': expected current version "
              + expectedCurrent
              + " but it is "
              + currentNumber);
    }
    Version target = secret.versions.get(version);
    if (target == null || target.value == null) {
      throw new NotFoundException("no version " + version + " of secret '" + name + "'");
    }
    if (stage == Stage.CURRENT) {
      promote(secret, target);
    } else {
      label(secret, target, stage);
    }
    return metadata(name, secret);
  }

  @Override
  public synchronized void delete(String name) {
    require(name).deleted = true;
  }

  @Override
  public synchronized void undelete(String name) {
    require(name).deleted = false;
  }

  @Override
  public synchronized void destroy(DestroyRequest request) {
    String name = request.name();
    List<Long> versions = request.versions();
    Objects.requireNonNull(versions, "versions");
    Secret secret = require(name);
    for (Long number : versions) {
      Objects.requireNonNull(number, "version");
      if (number < 1) {
        throw new IllegalArgumentException("expected a version >= 1 but was " + number);
      }
      if (!secret.versions.containsKey(number)) {
        throw new NotFoundException("no version " + number + " of secret '" + name + "'");
      }
    }
    if (versions.isEmpty()) {
      secret.versions.values().forEach(MemorySecretStore::wipe);
      secrets.remove(name);
      return;
    }
    for (Long number : versions) {
      Version v = secret.versions.get(number);
      wipe(v);
      v.stages.clear();
    }
  }

  private static void wipe(Version v) {
    if (v.value != null) {
      v.value.wipe();
      v.value = null;
    }
  }

  /** Makes {@code v} CURRENT, the old CURRENT PREVIOUS, and drops PENDING from {@code v}. */
  private static void promote(Secret secret, Version v) {
    Version old = secret.withStage(Stage.CURRENT);
    if (old == v) {
      return;
    }
    if (old != null) {
      label(secret, old, Stage.PREVIOUS);
      old.stages.remove(Stage.CURRENT);
    }
    label(secret, v, Stage.CURRENT);
    v.stages.remove(Stage.PENDING);
  }

  private static void label(Secret secret, Version v, Stage stage) {
    secret.versions.values().forEach(other -> other.stages.remove(stage));
    v.stages.add(stage);
  }

  private Secret require(String name) {
    Secret secret = secrets.get(Names.check(name));
    if (secret == null) {
      throw new NotFoundException("no such secret: '" + name + "'");
    }
    return secret;
  }

  private static SecretMetadata metadata(String name, Secret secret) {
    List<SecretVersion> versions = new ArrayList<>();
    secret.versions.values().forEach(v -> versions.add(describe(name, v)));
    return new SecretMetadata(name, versions, secret.deleted);
  }

  private static SecretVersion describe(String name, Version v) {
    return new SecretVersion(name, v.number, v.created, Set.copyOf(v.stages), v.value == null);
  }

  @Override
  public synchronized int rewrapVersions(
      String name, Predicate<byte[]> stale, UnaryOperator<byte[]> rewrap, boolean dryRun) {
    Secret secret = secrets.get(Names.check(name));
    if (secret == null) {
      return 0;
    }
    int n = 0;
    for (Version v : secret.versions.values()) {
      if (v.value == null) {
        continue;
      }
      byte[] blob = v.value.copyBytes();
      try {
        if (!stale.test(blob)) {
          continue;
        }
        n++;
        if (!dryRun) {
          SecretValue fresh = SecretValue.of(rewrap.apply(blob));
          v.value.wipe();
          v.value = fresh;
        }
      } finally {
        java.util.Arrays.fill(blob, (byte) 0);
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return "MemorySecretStore";
  }
}
