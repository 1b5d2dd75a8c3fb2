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

  /**
   * The keys this view may {@linkplain #describe describe}, sorted, as the view spells them: in the
   * room every key by its stored name ({@code tenant-acme} for tenant {@code acme}'s key), in a
   * tenant view {@code default} if the tenant's key exists. Checked per key as {@link
   * Operation#READ} (keys the view may not read are left out, as {@link Strongroom#list} leaves out
   * secrets) and recorded once as {@code key.list}.
   *
   * @throws UnsupportedOperationException if the backend's key service cannot list its keys
   */
  public java.util.List<String> list() {
    return room.keyNames();
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

  /**
   * Retires every version of key {@code name} below {@code version} without stranding data: the
   * same as {@link #retire(String, int, RetirementListener)} without a listener.
   */
  public KeyInfo setMinDecryptionVersion(String name, int version) {
    return retire(name, version, RetirementListener.NONE);
  }

  /**
   * Retires every version of key {@code name} below {@code version}, as a job that never strands
   * data: it first rewraps to the primary version everything the room itself sealed under the older
   * versions (on a file store every stored secret version, API-key records and tenant secrets
   * included; on every backend the API-key pepper), reporting each item to {@code listener}; then
   * it checks that nothing the room can see still needs an older version, and only then raises the
   * key's minimum decryption version. A job stopped midway (a kill, a failure, an exception from
   * the listener) resumes from its checkpoint ({@code .strongroom/retire/KEY}) when called again.
   * Ciphertexts that the application stores itself are its own to rewrap first ({@link
   * Strongroom#rewrapAll}).
   *
   * @throws dev.strongroom.exception.ConflictException if values still need an older version
   *     (counted, and named by where they are): the minimum is unchanged. On a backend whose secret
   *     versions are immutable (Vault, AWS) a tenant secret version sealed under an old version of
   *     its tenant key cannot be rewrapped in place, so retiring that tenant key refuses.
   * @throws IllegalArgumentException if {@code version} is not in [1, primary]
   */
  public KeyInfo retire(String name, int version, RetirementListener listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    return room.keyOperation(
        Operation.ROTATE,
        "key.min_decryption_version",
        name,
        n -> dev.strongroom.internal.retire.Retirement.of(room.core()).retire(n, version, listener),
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
