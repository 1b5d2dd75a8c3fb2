package dev.strongroom.apikey;

import dev.strongroom.SecretValue;
import dev.strongroom.internal.apikey.KeyFormat;
import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The API keys of one room: issue, verify, renew, rotate, revoke, review. Get it from {@link
 * dev.strongroom.Strongroom#apiKeys()}; configure it with {@link
 * dev.strongroom.Strongroom.Builder#apiKeys(ApiKeyPolicy)}.
 *
 * <pre>{@code
 * IssuedKey issued = room.apiKeys().issue(IssueRequest.builder("live").owner("ci").build());
 * // show issued.key() once; later, per request:
 * Verification v = room.apiKeys().verify(presented);
 * if (!v.hasScope("deploy")) { deny(); }
 * }</pre>
 *
 * <p>Verification checks the checksum first (a typo or a foreign token costs no backend call), then
 * looks the key id up in a cache (a hot key costs no backend call per request; entries live for
 * {@link ApiKeyPolicy#revocationBound()}); an id not cached must carry the tag the room gives the
 * ids it issues (keyed by the pepper), or it is refused without a backend read, so forged keys cost
 * none; ids found missing are remembered apart from known keys, and backend reads that find nothing
 * are rate-limited ({@link ApiKeyPolicy.Builder#unknownLookupLimit}). Then HMAC-SHA-256 of the key
 * (under a key derived from the pepper) is compared with the stored hash in constant time; the
 * stored record itself is authenticated by a MAC, and a tampered one is refused ({@code INVALID},
 * audited as an error). Changes made through this room (revoke, renew, rotate) take effect here at
 * once. Successful verifications are audited as {@code apikey.verify} {@code OK}; rejections as
 * {@code DENIED} with the reason, never the key, in aggregate: the first of each {@link
 * ApiKeyPolicy#rejectionAuditInterval()} in full, the rest as counts per outcome. If the audit
 * fails, verification throws {@link dev.strongroom.exception.AccessDeniedException}; if the pepper
 * is missing while key records exist, or does not open, it throws {@link
 * dev.strongroom.exception.TamperedException} (a new pepper is never made then). Successful
 * verifications record the key's last-used time at most once per {@link
 * ApiKeyPolicy#lastUsedInterval()}, in the background (on the room's executor).
 *
 * <p>Thread-safe: one instance per room serves all threads.
 */
public interface ApiKeys {

  /**
   * Issues a new key and stores its hash and metadata (audited as {@code apikey.issue}).
   *
   * @return the key, shown this once, and its metadata
   * @throws IllegalArgumentException if the request's TTLs exceed the policy's maximum
   */
  IssuedKey issue(IssueRequest request);

  /** Verifies {@code presented} (the full key as ASCII/UTF-8 bytes); the caller keeps it. */
  Verification verify(SecretValue presented);

  /** Verifies {@code presented}; the caller keeps the array and may wipe it. */
  Verification verify(char[] presented);

  /**
   * Verifies {@code presented} on behalf of {@code source} (a client address, say), which failures
   * are also rate-limited by when the policy has a {@link ApiKeyPolicy.Builder#failureLimit}.
   */
  Verification verify(char[] presented, String source);

  /** The metadata of key {@code keyId}, read from the backend; empty if there is no such key. */
  Optional<ApiKeyInfo> describe(String keyId);

  /**
   * Revokes key {@code keyId}: here at once, in other rooms within the revocation bound. Idempotent
   * (the first revocation time is kept).
   *
   * @throws dev.strongroom.exception.NotFoundException if there is no such key
   */
  ApiKeyInfo revoke(String keyId);

  /**
   * Extends an active, renewable key to {@code now + increment}, never past its {@link
   * ApiKeyInfo#maxExpires()}.
   *
   * @throws dev.strongroom.exception.NotFoundException if there is no such key
   * @throws dev.strongroom.exception.LeaseExpiredException if it is expired or revoked
   * @throws IllegalStateException if it is not renewable
   */
  ApiKeyInfo renew(String keyId, Duration increment);

  /**
   * Issues a successor of key {@code keyId} with the same owner, environment, scopes and TTL, and
   * makes the old key expire at {@code now + overlap} (or earlier if it already would), so that
   * clients can switch over; the old key can no longer be renewed.
   *
   * @throws dev.strongroom.exception.NotFoundException if there is no such key
   * @throws dev.strongroom.exception.LeaseExpiredException if it is expired or revoked
   */
  IssuedKey rotate(String keyId, Duration overlap);

  /** Every key {@code query} matches, oldest first. Reads every key record from the backend. */
  List<ApiKeyInfo> list(ApiKeyQuery query);

  /**
   * Active keys with no successful verification recorded in the last {@code period} (never-used
   * keys count from their creation): candidates for revocation in an access review.
   */
  List<ApiKeyInfo> unusedFor(Duration period);

  /** Active keys created more than {@code age} ago: candidates for rotation. */
  List<ApiKeyInfo> olderThan(Duration age);

  /** Active keys without an owner. */
  List<ApiKeyInfo> withoutOwner();

  /**
   * Writes every key's metadata as a JSON array (one object per key, fields as in {@link
   * ApiKeyInfo} plus {@code status}: {@code active}, {@code expired} or {@code revoked}) for a
   * SIEM. Never keys, never hashes. Audited as {@code apikey.export}.
   */
  void exportJson(Writer out);

  /**
   * Whether {@code candidate} has the API key format and a valid checksum: what a secret scanner
   * checks. No lookup; says nothing about whether the key was issued or is active.
   */
  static boolean isWellFormed(CharSequence candidate) {
    return KeyFormat.isKey(Objects.requireNonNull(candidate, "candidate"));
  }
}
