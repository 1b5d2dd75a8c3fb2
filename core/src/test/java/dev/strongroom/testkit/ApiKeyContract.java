package dev.strongroom.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.apikey.ApiKeyInfo;
import dev.strongroom.apikey.ApiKeyPolicy;
import dev.strongroom.apikey.ApiKeyQuery;
import dev.strongroom.apikey.ApiKeys;
import dev.strongroom.apikey.IssueRequest;
import dev.strongroom.apikey.IssuedKey;
import dev.strongroom.apikey.Verification.Outcome;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.WriteRequest;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API keys on a backend: what every backend must support for {@link ApiKeys} to work, through rooms
 * built over it. A backend's test extends this class and implements {@link #newBackend()}. Each
 * test uses its own owner name and fresh random key ids, so the suite can run against a shared
 * server (the pepper {@code apikeys/.pepper} is shared, as it is meant to be).
 */
public abstract class ApiKeyContract {
  /** The revocation bound of the rooms under test. */
  protected static final Duration BOUND = Duration.ofSeconds(30);

  /** The rooms' clock, moved by the tests. */
  protected final MutableClock clock = MutableClock.at(java.time.Instant.now());

  private final List<Strongroom> rooms = new ArrayList<>();
  private String owner;

  /**
   * A new client of this test's store: every call during one test must reach the same data (as a
   * second process would), and the room that gets it closes it. Memory: a {@link NonClosingBackend}
   * over one backend per test.
   */
  protected abstract Backend newBackend();

  @BeforeEach
  void owner() {
    owner = "contract-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void closeRooms() {
    rooms.forEach(Strongroom::close);
  }

  /** A new room over {@link #newBackend()} with the test clock and {@link #BOUND}. */
  protected Strongroom newRoom() {
    Strongroom room =
        Strongroom.builder()
            .backend(newBackend())
            .clock(clock)
            .executor(Runnable::run)
            .apiKeys(
                ApiKeyPolicy.builder()
                    .revocationBound(BOUND)
                    .lastUsedInterval(Duration.ofMinutes(10))
                    .build())
            .build();
    rooms.add(room);
    return room;
  }

  private IssuedKey issue(ApiKeys keys, String... scopes) {
    return keys.issue(IssueRequest.builder("test").owner(owner).scopes(scopes).build());
  }

  private static char[] chars(IssuedKey key) {
    return key.key().copyChars();
  }

  @Test
  void issue_thenVerify_validWithMetadata() {
    ApiKeys keys = newRoom().apiKeys();
    IssuedKey issued = issue(keys, "read", "write");

    var v = keys.verify(issued.key());

    assertTrue(v.valid(), v.toString());
    assertEquals(issued.id(), v.key().orElseThrow().id());
    assertEquals(Set.of("read", "write"), v.key().orElseThrow().scopes());
    assertTrue(v.hasScope("read"));
    assertFalse(v.hasScope("admin"));
    assertTrue(issued.key().copyUtf8String().startsWith("sr_test_" + issued.id() + "_"));
  }

  @Test
  void verify_inSecondRoom_valid_andWrongSecretInvalid() {
    IssuedKey issued = issue(newRoom().apiKeys());
    ApiKeys other = newRoom().apiKeys();

    assertTrue(other.verify(chars(issued)).valid());
    char[] wrong = chars(issued);
    int at = wrong.length - 10;
    wrong[at] = wrong[at] == 'a' ? 'b' : 'a';
    fixChecksum(wrong);
    assertEquals(Outcome.INVALID, other.verify(wrong).outcome());
  }

  @Test
  void records_holdNoKeyMaterial_andPepperIsSealed() {
    Strongroom room = newRoom();
    IssuedKey issued = issue(room.apiKeys());
    String key = issued.key().copyUtf8String();
    String secretPart = key.substring(key.lastIndexOf('_') + 1, key.length() - 6);

    try (Backend raw = newBackend()) {
      String record =
          raw.secrets()
              .read(ReadRequest.current("apikeys/" + issued.id()))
              .orElseThrow()
              .value()
              .copyUtf8String();
      byte[] pepper =
          raw.secrets()
              .read(ReadRequest.current("apikeys/.pepper"))
              .orElseThrow()
              .value()
              .copyBytes();
      assertTrue(record.contains(issued.id()) && record.contains("\"hash\""), record);
      assertFalse(record.contains(secretPart), record);
      assertTrue(pepper.length > 32 + 16, "pepper is stored sealed, not as 32 raw bytes");
      assertFalse(new String(pepper, StandardCharsets.ISO_8859_1).contains(secretPart));
    }
  }

  @Test
  void revoke_sameRoomAtOnce_otherRoomWithinBound() {
    ApiKeys a = newRoom().apiKeys();
    ApiKeys b = newRoom().apiKeys();
    IssuedKey issued = issue(a);
    assertTrue(b.verify(chars(issued)).valid());

    ApiKeyInfo revoked = a.revoke(issued.id());

    assertTrue(revoked.revoked());
    assertEquals(Outcome.REVOKED, a.verify(chars(issued)).outcome());
    clock.advance(BOUND.plusSeconds(1));
    assertEquals(Outcome.REVOKED, b.verify(chars(issued)).outcome());
    assertTrue(b.describe(issued.id()).orElseThrow().revoked());
  }

  @Test
  void expiry_renew_andMaxTtl() {
    ApiKeys keys = newRoom().apiKeys();
    IssuedKey issued =
        keys.issue(
            IssueRequest.builder("test")
                .owner(owner)
                .ttl(Duration.ofHours(1))
                .maxTtl(Duration.ofHours(3))
                .build());
    clock.advance(Duration.ofMinutes(50));

    ApiKeyInfo renewed = keys.renew(issued.id(), Duration.ofHours(5));

    assertEquals(issued.info().maxExpires(), renewed.expires());
    clock.advance(Duration.ofMinutes(70));
    assertTrue(keys.verify(chars(issued)).valid());
    clock.advance(Duration.ofHours(2));
    assertEquals(Outcome.EXPIRED, keys.verify(chars(issued)).outcome());
    assertThrows(LeaseExpiredException.class, () -> keys.renew(issued.id(), Duration.ofHours(1)));
  }

  @Test
  void rotate_oldAndNewValidDuringOverlap_oldExpiresAfter() {
    ApiKeys keys = newRoom().apiKeys();
    IssuedKey old = issue(keys, "deploy");

    IssuedKey successor = keys.rotate(old.id(), Duration.ofMinutes(10));

    assertEquals(old.info().scopes(), successor.info().scopes());
    assertEquals(old.id(), successor.info().rotatedFrom().orElseThrow());
    assertEquals(successor.id(), keys.describe(old.id()).orElseThrow().replacedBy().orElseThrow());
    assertTrue(keys.verify(chars(old)).valid());
    assertTrue(keys.verify(chars(successor)).valid());
    clock.advance(Duration.ofMinutes(10));
    assertEquals(Outcome.EXPIRED, keys.verify(chars(old)).outcome());
    assertTrue(keys.verify(chars(successor)).valid());
  }

  @Test
  void review_listsByOwnerScope_unusedOlderWithoutOwner_exportHasNoKeys() {
    ApiKeys keys = newRoom().apiKeys();
    IssuedKey used = issue(keys, "read");
    IssuedKey idle = issue(keys, "write");
    IssuedKey revoked = issue(keys, "read");
    keys.revoke(revoked.id());
    IssuedKey orphan = keys.issue(IssueRequest.builder("test").scopes(owner).build());
    clock.advance(Duration.ofDays(40));
    assertTrue(keys.verify(chars(used)).valid());

    assertEquals(
        Set.of(used.id(), idle.id(), revoked.id()),
        Set.copyOf(ids(keys.list(ApiKeyQuery.all().owner(owner)))));
    assertEquals(
        List.of(used.id()),
        ids(keys.list(ApiKeyQuery.all().owner(owner).scope("read").activeOnly())));
    List<String> unused = ids(keys.unusedFor(Duration.ofDays(30)));
    assertTrue(unused.contains(idle.id()) && unused.contains(orphan.id()), unused.toString());
    assertFalse(unused.contains(used.id()) || unused.contains(revoked.id()), unused.toString());
    assertTrue(ids(keys.olderThan(Duration.ofDays(30))).contains(used.id()));
    assertFalse(ids(keys.olderThan(Duration.ofDays(50))).contains(used.id()));
    assertTrue(ids(keys.withoutOwner()).contains(orphan.id()));
    assertFalse(ids(keys.withoutOwner()).contains(idle.id()));

    StringWriter json = new StringWriter();
    keys.exportJson(json);
    String text = json.toString();
    assertTrue(text.contains(used.id()) && text.contains("\"revoked\""), text);
    assertFalse(text.contains("hash"), text);
    for (IssuedKey k : List.of(used, idle, revoked, orphan)) {
      String key = k.key().copyUtf8String();
      assertFalse(text.contains(key.substring(key.lastIndexOf('_') + 1)), text);
    }
  }

  @Test
  void lastUsed_writtenOncePerInterval_seenByOtherRoom_oldVersionsPruned() {
    ApiKeys keys = newRoom().apiKeys();
    IssuedKey issued = issue(keys);
    String name = "apikeys/" + issued.id();
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofMinutes(11));
      assertTrue(keys.verify(chars(issued)).valid());
      assertTrue(keys.verify(chars(issued)).valid());
    }
    long lastUse = clock.millis();
    ApiKeys other = newRoom().apiKeys();

    assertEquals(
        lastUse, other.describe(issued.id()).orElseThrow().lastUsed().orElseThrow().toEpochMilli());
    try (Backend raw = newBackend()) {
      var metadata = raw.secrets().metadata(name);
      assertEquals(4, metadata.latestVersion(), metadata.toString());
      assertEquals(
          List.of(4L),
          metadata.versions().stream()
              .filter(v -> !v.destroyed())
              .map(v -> v.version())
              .collect(Collectors.toList()),
          metadata.toString());
    }
    assertTrue(other.revoke(issued.id()).revoked());
    assertEquals(Outcome.REVOKED, other.verify(chars(issued)).outcome());
  }

  @Test
  void editedOrSwappedRecord_isTampered_andPepperNeverOpensThroughDecrypt() {
    ApiKeys keys = newRoom().apiKeys();
    IssuedKey revoked = issue(keys, "read");
    IssuedKey admin = issue(keys, "admin");
    IssuedKey victim = issue(keys, "read");
    keys.revoke(revoked.id());
    String revokedName = "apikeys/" + revoked.id();
    String victimName = "apikeys/" + victim.id();
    try (Backend raw = newBackend()) {
      String revokedJson = rawText(raw, revokedName);
      String victimJson = rawText(raw, victimName);
      try {
        String unrevoked =
            revokedJson
                .replaceFirst("\"revokedAt\":\"[^\"]*\"", "\"revokedAt\":null")
                .replace("\"read\"", "\"admin:all\"");
        assertFalse(unrevoked.equals(revokedJson), revokedJson);
        rawWrite(raw, revokedName, unrevoked);
        rawWrite(raw, victimName, rawText(raw, "apikeys/" + admin.id()));

        ApiKeys fresh = newRoom().apiKeys();
        assertEquals(Outcome.INVALID, fresh.verify(chars(revoked)).outcome());
        assertEquals(Outcome.INVALID, fresh.verify(chars(victim)).outcome());
        assertTrue(fresh.verify(chars(admin)).valid());
        assertThrows(TamperedException.class, () -> fresh.describe(revoked.id()));
        assertThrows(TamperedException.class, () -> fresh.describe(victim.id()));

        byte[] pepper =
            raw.secrets()
                .read(ReadRequest.current("apikeys/.pepper"))
                .orElseThrow()
                .value()
                .copyBytes();
        Strongroom room = newRoom();
        assertThrows(
            IllegalArgumentException.class,
            () -> room.decrypt(pepper, EncryptionContext.of("strongroom:apikey", "pepper")));
        assertThrows(
            InvalidCiphertextException.class,
            () -> room.decrypt(pepper, EncryptionContext.of("apikey", "pepper")));
      } finally {
        rawWrite(raw, revokedName, revokedJson); // a shared store must stay listable
        rawWrite(raw, victimName, victimJson);
      }
    }
  }

  private static String rawText(Backend raw, String name) {
    return raw.secrets().read(ReadRequest.current(name)).orElseThrow().value().copyUtf8String();
  }

  private static void rawWrite(Backend raw, String name, String text) {
    raw.secrets()
        .write(
            new WriteRequest(
                name, SecretValue.ofUtf8(text), Stage.CURRENT, WriteRequest.ANY_VERSION));
  }

  @Test
  void unknownKeyId_notFound() {
    ApiKeys keys = newRoom().apiKeys();
    assertTrue(keys.describe("0000000000000000").isEmpty());
    assertThrows(NotFoundException.class, () -> keys.revoke("0000000000000000"));
    IssuedKey issued = issue(keys);
    assertTrue(keys.describe(issued.id()).isPresent());
    char[] otherId = issued.id().toCharArray();
    otherId[0] = otherId[0] == 'a' ? 'b' : 'a';
    assertTrue(keys.describe(new String(otherId)).isEmpty(), "a changed id fails its tag");
  }

  private static List<String> ids(List<ApiKeyInfo> infos) {
    return infos.stream().map(ApiKeyInfo::id).collect(Collectors.toList());
  }

  /** Recomputes the checksum of a key after a change, so that it is well-formed again. */
  protected static void fixChecksum(char[] key) {
    byte[] bytes = new byte[key.length];
    for (int i = 0; i < key.length; i++) {
      bytes[i] = (byte) key[i];
    }
    dev.strongroom.internal.apikey.KeyFormat.fixCheck(bytes, bytes.length);
    for (int i = 0; i < key.length; i++) {
      key[i] = (char) bytes[i];
    }
  }

  /** The key as text (tests only: a String cannot be wiped). */
  protected static String text(SecretValue key) {
    return key.copyUtf8String();
  }
}
