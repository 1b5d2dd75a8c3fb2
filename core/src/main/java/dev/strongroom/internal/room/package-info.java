/**
 * The parts behind the {@code dev.strongroom.Strongroom} facade: the one access {@link
 * dev.strongroom.internal.room.Guard} over typed, namespaced {@link
 * dev.strongroom.internal.room.Target}s, the reserved namespaces ({@link
 * dev.strongroom.internal.room.Reserved}), the one audit helper ({@link
 * dev.strongroom.internal.room.AuditTrail}), the crypto, leases and env-import parts, name checks,
 * the secret cache and the shared room state ({@link dev.strongroom.internal.room.RoomCore}). Not
 * for public use: anything here may change without notice.
 */
package dev.strongroom.internal.room;
