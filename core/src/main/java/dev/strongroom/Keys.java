package dev.strongroom;

import dev.strongroom.spi.KeyInfo;
import java.util.Objects;

/**
 * Administration of a room's key-encryption keys (KEKs) over the backend's key service: create,
 * describe, rotate, retire old versions, destroy. Every call resolves the key's name in the view's
 * namespace (in tenant {@code acme}'s view {@code default} is the tenant's key, {@code
 * tenants/acme/default} to the room; the room may also call it by its stored name {@code
 * tenant-acme}), is checked against the view's policies as a {@linkplain AccessPolicy.Resource#KEY
 * key}, and is recorded as {@code kek/NAME}. Only {@link #create} makes a key; nothing else in the
 * room creates one implicitly.
 *
 * <p>Thread-safe.
 */
public final class Keys {
  private final Strongroom room;

  Keys(Strongroom room) {
    this.room = Objects.requireNonNull(room, "room");
  }

  /**
   * Creates key {@code name} with version 1 (the key-admin permission {@link Operation#CREATE}); in
   * a tenant view, {@code create("default")} creates the tenant's key.
   *
   * @throws dev.strongroom.exception.ConflictException if it exists
   */
  public KeyInfo create(String name) {
    return room.keyOperation(
        Operation.CREATE,
        "key.create",
        name,
        n -> room.core().keys().createKey(n),
        KeyInfo::primaryVersion);
  }

  /** Describes the versions of key {@code name}. */
  public KeyInfo describe(String name) {
    return room.keyOperation(
        Operation.READ,
        "key.describe",
        name,
        n -> room.core().keys().describe(n),
        KeyInfo::primaryVersion);
  }

  /**
   * Adds a new primary version to key {@code name}; older versions keep decrypting. New messages
   * use the new version at once (the room drops its cached data keys).
   */
  public KeyInfo rotate(String name) {
    return room.keyOperation(
        Operation.ROTATE,
        "key.rotate",
        name,
        n -> {
          KeyInfo info = room.core().keys().rotate(n);
          room.core().keyChanged(n);
          return info;
        },
        KeyInfo::primaryVersion);
  }

  /** Retires every version of key {@code name} below {@code version}; they no longer decrypt. */
  public KeyInfo setMinDecryptionVersion(String name, int version) {
    return room.keyOperation(
        Operation.ROTATE,
        "key.min_decryption_version",
        name,
        n -> {
          KeyInfo info = room.core().keys().setMinDecryptionVersion(n, version);
          room.core().keyChanged(n);
          return info;
        },
        KeyInfo::minDecryptionVersion);
  }

  /**
   * Destroys every version of key {@code name}: whatever it protected becomes unreadable for good
   * (crypto-shredding). Cached data keys and, for a tenant key, the tenant's cached secrets are
   * dropped too.
   */
  public void destroy(String name) {
    room.keyChange(
        "key.destroy",
        name,
        n -> {
          room.core().keys().destroyKey(n);
          room.core().keyDestroyed(n);
        });
  }

  @Override
  public String toString() {
    return "Keys[" + room + "]";
  }
}
