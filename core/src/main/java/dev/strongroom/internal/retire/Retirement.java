package dev.strongroom.internal.retire;

import dev.strongroom.RetirementListener;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.internal.apikey.ApiKeyService;
import dev.strongroom.internal.envelope.EnvelopeHeader;
import dev.strongroom.internal.room.CheckoutPolicy;
import dev.strongroom.internal.room.CheckoutService;
import dev.strongroom.internal.room.Reserved;
import dev.strongroom.internal.room.RoomCore;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * Retires the versions of a KEK below a minimum without stranding data: first rewraps everything
 * the room itself sealed under those versions, then checks that nothing still needs one, and only
 * then raises the minimum in the key service.
 *
 * <p>What the room seals: every value of a {@link SealedStore} backend (the file store, under its
 * {@code default} KEK: secrets, API-key records, tenant secrets, the checkpoint itself), the
 * API-key pepper and the check-out records (under {@code default}, on every backend), and tenant
 * secrets (under {@code tenant-ID}). Values in a {@link SealedStore} are rewrapped in place (same
 * version numbers and stages); the pepper and the check-out records get a new CURRENT version. A
 * tenant secret version sealed under an old version of its tenant key cannot be rewritten in place
 * on a backend whose versions are immutable, so it makes retirement of that tenant key refuse
 * (counted and named).
 *
 * <p>Resumable: after each item the job writes a checkpoint {@code .strongroom/retire/KEK} (the
 * key, the target version and the last item done, in item order); a new run for the same target
 * skips what was done. Rewrapping is idempotent anyway (only values below the target are touched),
 * so the checkpoint saves work and never decides safety: the final check always scans everything.
 *
 * <p>Not thread-safe; one job per key at a time (concurrent jobs are safe but waste work).
 */
public final class Retirement {
  /** Where a job's checkpoint lives. */
  public static final String CHECKPOINT_PREFIX = Reserved.LIBRARY + "retire/";

  private static final int MAX_NAMED = 3;
  private static final String DONE = "~done";

  private final RoomCore core;
  private final SecretStore store;
  private final KeyEncryptionService keys;

  private Retirement(RoomCore core) {
    this.core = core;
    this.store = core.store();
    this.keys = core.keys();
  }

  /** The retirement part of {@code core}. */
  public static Retirement of(RoomCore core) {
    return new Retirement(core);
  }

  /** One unit of work: a kind and a secret name, ordered by their joint key. */
  private record Item(Kind kind, String name) {
    String key() {
      return kind.ordinal() + ":" + name;
    }
  }

  private enum Kind {
    PEPPER,
    TENANT,
    SEALED,
    /** A check-out lease record or the check-out-only record, sealed under {@code default}. */
    RECORD
  }

  /**
   * Rewraps what needs versions of {@code kek} below {@code version}, then raises its minimum
   * decryption version to {@code version}.
   *
   * @throws ConflictException if something still needs an old version afterwards, naming how many
   *     items and where; the minimum stays as it was
   * @throws IllegalArgumentException if {@code version} is not in [1, primary]
   */
  public KeyInfo retire(String kek, int version, RetirementListener listener) {
    KeyInfo info = keys.describe(kek);
    if (version < 1 || version > info.primaryVersion()) {
      throw new IllegalArgumentException(
          "expected a version in [1, " + info.primaryVersion() + "] but was " + version);
    }
    if (version <= info.minDecryptionVersion()) {
      return info;
    }
    core.keyChanged(kek);
    Optional<SealedStore> sealed = sealedStore(kek);
    sealed.ifPresent(s -> s.keyChanged(kek));
    Predicate<byte[]> stale = stale(kek, version);
    List<Item> items = items(kek, sealed);
    String checkpoint = CHECKPOINT_PREFIX + kek;
    String after = resumeAfter(checkpoint, kek, version);
    long done = 0;
    long rewrapped = 0;
    for (Item item : items) {
      done++;
      if (after != null && item.key().compareTo(after) <= 0) {
        continue;
      }
      rewrapped += rewrap(kek, item, stale, sealed, false);
      writeCheckpoint(checkpoint, kek, version, item.key());
      listener.progress(done, items.size(), where(item, sealed), rewrapped);
    }
    if (items.isEmpty()) {
      listener.progress(0, 0, "nothing the room sealed", 0);
    }
    Map<String, List<String>> remaining = new LinkedHashMap<>();
    long count = 0;
    for (Item item : items(kek, sealed)) {
      int n = rewrap(kek, item, stale, sealed, true);
      if (n > 0) {
        count += n;
        remaining.computeIfAbsent(where(item, sealed), w -> new ArrayList<>()).add(item.name());
      }
    }
    if (count > 0) {
      throw refused(kek, version, count, remaining);
    }
    KeyInfo raised = keys.setMinDecryptionVersion(kek, version);
    core.keyChanged(kek);
    writeCheckpoint(checkpoint, kek, version, DONE);
    return raised;
  }

  /**
   * Counts what still needs versions of {@code kek} below {@code version}, by where it is; empty if
   * nothing does.
   */
  public Map<String, Long> stillNeeded(String kek, int version) {
    Optional<SealedStore> sealed = sealedStore(kek);
    Predicate<byte[]> stale = stale(kek, version);
    Map<String, Long> out = new LinkedHashMap<>();
    for (Item item : items(kek, sealed)) {
      int n = rewrap(kek, item, stale, sealed, true);
      if (n > 0) {
        out.merge(where(item, sealed), (long) n, Long::sum);
      }
    }
    return out;
  }

  private static ConflictException refused(
      String kek, int version, long count, Map<String, List<String>> remaining) {
    StringBuilder where = new StringBuilder();
    remaining.forEach(
        (place, names) -> {
          if (where.length() > 0) {
            where.append("; ");
          }
          where.append(place).append(": ").append(names.size()).append(" secret(s) (");
          where.append(String.join(", ", names.subList(0, Math.min(MAX_NAMED, names.size()))));
          where.append(names.size() > MAX_NAMED ? ", ...)" : ")");
        });
    return new ConflictException(
        "refusing to retire versions below "
            + version
            + " of key '"
            + kek
            + "': "
            + count
            + " stored value(s) still need them, in "
            + where
            + "; the minimum decryption version is unchanged");
  }

  private Optional<SealedStore> sealedStore(String kek) {
    return core.settings().backend() instanceof SealedStore s && s.sealsWith(kek)
        ? Optional.of(s)
        : Optional.empty();
  }

  private List<Item> items(String kek, Optional<SealedStore> sealed) {
    List<Item> items = new ArrayList<>();
    if (RoomCore.DEFAULT_KEK.equals(kek)
        && store
            .read(ReadRequest.current(ApiKeyService.PEPPER))
            .map(Retirement::wipe)
            .isPresent()) {
      items.add(new Item(Kind.PEPPER, ApiKeyService.PEPPER));
    }
    if (kek.startsWith(RoomCore.TENANT_KEK_PREFIX)) {
      String prefix = RoomCore.TENANTS + kek.substring(RoomCore.TENANT_KEK_PREFIX.length()) + "/";
      for (String name : store.list(prefix)) {
        items.add(new Item(Kind.TENANT, name));
      }
    }
    sealed.ifPresent(s -> s.sealedNames().forEach(n -> items.add(new Item(Kind.SEALED, n))));
    if (RoomCore.DEFAULT_KEK.equals(kek)) {
      for (String name : store.list(CheckoutService.PREFIX)) {
        items.add(new Item(Kind.RECORD, name));
      }
      if (store
          .read(ReadRequest.current(CheckoutPolicy.RECORD))
          .map(Retirement::wipe)
          .isPresent()) {
        items.add(new Item(Kind.RECORD, CheckoutPolicy.RECORD));
      }
    }
    items.sort((a, b) -> a.key().compareTo(b.key()));
    return items;
  }

  private static StoredSecret wipe(StoredSecret s) {
    s.value().wipe();
    return s;
  }

  private static String where(Item item, Optional<SealedStore> sealed) {
    return switch (item.kind) {
      case PEPPER -> "the API-key pepper (" + ApiKeyService.PEPPER + ")";
      case TENANT -> "tenant secrets sealed by the room";
      case SEALED -> sealed.map(SealedStore::where).orElse("the store");
      case RECORD -> "the room's check-out records (" + Reserved.LIBRARY + ")";
    };
  }

  private int rewrap(
      String kek, Item item, Predicate<byte[]> stale, Optional<SealedStore> sealed, boolean dry) {
    switch (item.kind) {
      case SEALED:
        return sealed.orElseThrow().rewrapSealed(item.name(), stale, dry);
      case PEPPER:
        return rewrapPepper(kek, stale, dry);
      case RECORD:
        return resealRecord(item.name(), stale, dry);
      default:
        if (core.settings().backend().secrets() instanceof RewritableStore r) {
          return r.rewrapVersions(item.name(), stale, core.envelope(kek)::rewrap, dry);
        }
        return countTenant(item.name(), stale);
    }
  }

  /**
   * A check-out record binds its store version into its context, so it is sealed again (opened and
   * written as a new CURRENT version under the primary) rather than rewrapped.
   */
  private int resealRecord(String name, Predicate<byte[]> stale, boolean dry) {
    Optional<StoredSecret> stored = store.read(ReadRequest.current(name));
    if (stored.isEmpty()) {
      return 0;
    }
    try (SecretValue value = stored.get().value()) {
      if (!stale.test(value.copyBytes())) {
        return 0;
      }
    }
    if (!dry) {
      if (name.equals(CheckoutPolicy.RECORD)) {
        CheckoutPolicy.of(core).reseal();
      } else {
        CheckoutService.of(core).reseal(name.substring(CheckoutService.PREFIX.length()));
      }
    }
    return 1;
  }

  private int rewrapPepper(String kek, Predicate<byte[]> stale, boolean dry) {
    Optional<StoredSecret> stored = store.read(ReadRequest.current(ApiKeyService.PEPPER));
    if (stored.isEmpty()) {
      return 0;
    }
    try (SecretValue value = stored.get().value()) {
      byte[] blob = value.copyBytes();
      if (!stale.test(blob)) {
        return 0;
      }
      if (!dry) {
        byte[] fresh = core.envelope(kek).rewrap(blob);
        long latest = store.metadata(ApiKeyService.PEPPER).latestVersion();
        try (SecretValue sealedValue = SecretValue.of(fresh)) {
          store.write(new WriteRequest(ApiKeyService.PEPPER, sealedValue, Stage.CURRENT, latest));
        }
      }
      return 1;
    }
  }

  /** Tenant versions still sealed under an old version: they cannot be rewritten in place. */
  private int countTenant(String name, Predicate<byte[]> stale) {
    int n = 0;
    for (SecretVersion v : store.metadata(name).versions()) {
      if (v.destroyed()) {
        continue;
      }
      Optional<StoredSecret> stored = store.read(ReadRequest.version(name, v.version()));
      if (stored.isPresent()) {
        try (SecretValue value = stored.get().value()) {
          if (stale.test(value.copyBytes())) {
            n++;
          }
        }
      }
    }
    return n;
  }

  /**
   * Whether a ciphertext has a recipient of {@code kek} whose wrapped DEK is (or may be) under a
   * version below {@code version}; a value that is not an envelope, or holds no recipient of this
   * key, is not sealed under it.
   */
  private Predicate<byte[]> stale(String kek, int version) {
    byte[] ref = keys.keyRef(kek).getBytes(StandardCharsets.UTF_8);
    return blob -> {
      EnvelopeHeader header;
      try {
        header = EnvelopeHeader.parse(blob);
      } catch (RuntimeException e) {
        return false;
      }
      for (EnvelopeHeader.Recipient r : header.recipients()) {
        if (Arrays.equals(r.ref(), ref)) {
          OptionalInt v = keys.wrappedVersion(r.wrapped());
          if (v.isEmpty() || v.getAsInt() < version) {
            return true;
          }
        }
      }
      return false;
    };
  }

  private String resumeAfter(String checkpoint, String kek, int version) {
    Optional<StoredSecret> stored = store.read(ReadRequest.current(checkpoint));
    if (stored.isEmpty()) {
      return null;
    }
    try (SecretValue value = stored.get().value()) {
      String text = new String(value.copyBytes(), StandardCharsets.UTF_8);
      String[] parts = text.split("\n", 3);
      if (parts.length == 3 && parts[0].equals(kek) && parts[1].equals(Integer.toString(version))) {
        return parts[2];
      }
      return null;
    }
  }

  private void writeCheckpoint(String checkpoint, String kek, int version, String after) {
    byte[] text = (kek + "\n" + version + "\n" + after).getBytes(StandardCharsets.UTF_8);
    try (SecretValue value = SecretValue.of(text)) {
      store.write(new WriteRequest(checkpoint, value, Stage.CURRENT, WriteRequest.ANY_VERSION));
    }
  }
}
