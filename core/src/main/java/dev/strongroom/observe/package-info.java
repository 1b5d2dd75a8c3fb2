/**
 * A hook for metrics and events: {@link dev.strongroom.observe.RoomObserver} is told about cache
 * hits and misses, backend calls, stale reads, lease events, rotations, audit failures and API-key
 * verifications, so that an integration (such as the Spring Boot module's Micrometer binder) can
 * count them without core depending on a metrics library. Never carries a secret value.
 */
@NullMarked
package dev.strongroom.observe;

import org.jspecify.annotations.NullMarked;
