package dev.strongroom.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.apikey.Verification.Outcome;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.internal.apikey.KeyFormat;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.testkit.FaultInjectingBackend;
import dev.strongroom.testkit.MutableClock;
import dev.strongroom.testkit.NonClosingBackend;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, items 3, 5 and 8: API-key records are authenticated, the pepper fails closed and never
 * opens through the envelope, and forged keys cost no backend read.
 */
class ApiKeyIntegrityTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MutableClock clock = MutableClock.create();
  private final MemoryBackend shared = MemoryBackend.create(clock);
  private final SecretStore raw = shared.secrets();
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final AtomicBoolean auditBroken = new AtomicBoolean();
  private final List<Strongroom> rooms = new ArrayList<>();

  private Strongroom room(FaultInjectingBackend backend, ApiKeyPolicy policy) {
    AuditSink sink =
        new AuditSink() {
          @Override
          public void record(AuditEvent event) {
            if (auditBroken.get()) {
              throw new IllegalStateException("audit disk full");
            }
            events.add(event);
          }

          @Override
          public void close() {}
        };
    Strongroom room =
        Strongroom.builder()
            .backend(backend)
            .clock(clock)
            .executor(Runnable::run)
            .principal("svc")
            .audit(sink)
            .apiKeys(policy)
            .build();
    rooms.add(room);
    return room;
  }

  private FaultInjectingBackend backend() {
    return FaultInjectingBackend.wrap(NonClosingBackend.of(shared));
  }

  private ApiKeys keys() {
    return room(backend(), ApiKeyPolicy.defaults()).apiKeys();
  }

  @AfterEach
  void close() {
    rooms.forEach(Strongroom::close);
  }

  private static IssueRequest request() {
    return IssueRequest.builder("live").owner("alice").scopes("read").build();
  }

  private ObjectNode record(String id) throws Exception {
    return (ObjectNode)
        JSON.readTree(
            raw.read(ReadRequest.current("apikeys/" + id)).orElseThrow().value().copyBytes());
  }

  private void writeRaw(String name, byte[] value) {
    raw.write(
        new WriteRequest(name, SecretValue.of(value), Stage.CURRENT, WriteRequest.ANY_VERSION));
  }

  private long verifyEvents(AuditEvent.Outcome outcome) {
    return events.stream()
        .filter(e -> e.operation().equals("apikey.verify") && e.outcome() == outcome)
        .count();
  }

  // ------------------------------------------------------------------ item 3

  @Test
  void item3_revokedRecordEdited_unrevokedAdminForever_isTampered() throws Exception {
    ApiKeys keys = keys();
    IssuedKey issued = keys.issue(request());
    keys.revoke(issued.id());
    ObjectNode edited = record(issued.id());
    edited.putNull("revokedAt");
    edited.putArray("scopes").add("admin:all");
    edited.put("expires", "2999-01-01T00:00:00Z");
    edited.put("maxExpires", "2999-01-01T00:00:00Z");
    writeRaw("apikeys/" + issued.id(), JSON.writeValueAsBytes(edited));
    events.clear();

    ApiKeys fresh = keys();
    Verification v = fresh.verify(issued.key());

    assertEquals(Outcome.INVALID, v.outcome());
    assertFalse(v.hasScope("admin:all"));
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    e.operation().equals("apikey.verify")
                        && e.outcome() == AuditEvent.Outcome.ERROR
                        && e.detail().equals("tampered")),
        events.toString());
    TamperedException e = assertThrows(TamperedException.class, () -> fresh.describe(issued.id()));
    assertTrue(e.getMessage().contains(issued.id()), e.getMessage());
    assertThrows(TamperedException.class, () -> fresh.list(ApiKeyQuery.all()));
  }

  @Test
  void item3_anyFieldEdited_isTampered() throws Exception {
    ApiKeys keys = keys();
    IssuedKey issued = keys.issue(request());
    String[][] edits = {
      {"owner", "mallory"},
      {"environment", "test"},
      {"created", "2000-01-01T00:00:00Z"},
      {"ttl", "PT1000000H"},
      {"renewable", "false"},
      {"lastUsed", "2000-01-01T00:00:00Z"},
      {"rotatedFrom", "x"},
      {"replacedBy", "x"},
      {"hash", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},
      {"format", "1"},
      {"mac", ""}
    };
    for (String[] edit : edits) {
      ObjectNode edited = record(issued.id());
      if (edit[0].equals("renewable")) {
        edited.put("renewable", false);
      } else if (edit[0].equals("format")) {
        edited.put("format", 1);
      } else {
        edited.put(edit[0], edit[1]);
      }
      writeRaw("apikeys/" + issued.id(), JSON.writeValueAsBytes(edited));
      assertThrows(TamperedException.class, () -> keys().describe(issued.id()), edit[0]);
    }
  }

  @Test
  void item3_recordSwappedToAnotherKeysName_isTampered() throws Exception {
    ApiKeys keys = keys();
    IssuedKey admin = keys.issue(IssueRequest.builder("live").scopes("admin").build());
    IssuedKey reader = keys.issue(request());
    byte[] adminRecord = JSON.writeValueAsBytes(record(admin.id()));
    writeRaw("apikeys/" + reader.id(), adminRecord);

    ApiKeys fresh = keys();
    assertEquals(Outcome.INVALID, fresh.verify(reader.key()).outcome());
    assertThrows(TamperedException.class, () -> fresh.describe(reader.id()));
    assertTrue(fresh.verify(admin.key()).valid());
  }

  @Test
  void item3_pepperDeleted_failsClosed_neverANewPepper() {
    IssuedKey issued = keys().issue(request());
    raw.destroy(DestroyRequest.all("apikeys/.pepper"));
    assertTrue(raw.read(ReadRequest.current("apikeys/.pepper")).isEmpty());

    ApiKeys fresh = keys();
    TamperedException e = assertThrows(TamperedException.class, () -> fresh.issue(request()));
    assertTrue(e.getMessage().contains("apikeys/.pepper"), e.getMessage());
    assertThrows(TamperedException.class, () -> keys().verify(issued.key()));
    assertThrows(TamperedException.class, () -> keys().describe(issued.id()));
    assertTrue(raw.read(ReadRequest.current("apikeys/.pepper")).isEmpty(), "no new pepper");
  }

  @Test
  void item3_pepperDamaged_failsClosed() {
    IssuedKey issued = keys().issue(request());
    byte[] sealed =
        raw.read(ReadRequest.current("apikeys/.pepper")).orElseThrow().value().copyBytes();
    sealed[sealed.length - 1] ^= 1;
    writeRaw("apikeys/.pepper", sealed);

    TamperedException e = assertThrows(TamperedException.class, () -> keys().verify(issued.key()));
    assertTrue(e.getMessage().contains("does not open"), e.getMessage());
    assertThrows(TamperedException.class, () -> keys().issue(request()));
  }

  @Test
  void item3_emptyStore_verifyCreatesNoPepper_firstIssueDoes() {
    ApiKeys keys = keys();
    char[] forged = forgedKey(new SecureRandom());
    assertEquals(Outcome.INVALID, keys.verify(forged).outcome());
    assertTrue(keys.describe(KeyFormat.newId(new SecureRandom(), fakeTag())).isEmpty());
    assertTrue(raw.read(ReadRequest.current("apikeys/.pepper")).isEmpty());

    IssuedKey issued = keys.issue(request());
    assertTrue(raw.read(ReadRequest.current("apikeys/.pepper")).isPresent());
    assertTrue(keys().verify(issued.key()).valid());
  }

  // ------------------------------------------------------------------ item 8

  @Test
  void item8_sealedPepperReadNatively_doesNotOpenThroughRoomDecrypt() {
    Strongroom room = room(backend(), ApiKeyPolicy.defaults());
    room.apiKeys().issue(request());
    byte[] sealed =
        raw.read(ReadRequest.current("apikeys/.pepper")).orElseThrow().value().copyBytes();

    assertThrows(
        IllegalArgumentException.class,
        () -> room.decrypt(sealed, EncryptionContext.of("strongroom:apikey", "pepper")));
    for (EncryptionContext guess :
        List.of(
            EncryptionContext.empty(),
            EncryptionContext.of("apikey", "pepper"),
            EncryptionContext.of("strongroom", "apikey"))) {
      assertThrows(InvalidCiphertextException.class, () -> room.decrypt(sealed, guess));
      assertThrows(InvalidCiphertextException.class, () -> room.envelope().decrypt(sealed, guess));
    }
  }

  // ------------------------------------------------------------------ item 5

  private static javax.crypto.Mac fakeTag() {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256"));
      return mac;
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** A key with a valid checksum and a random id (of the current length) and secret. */
  private static char[] forgedKey(SecureRandom random) {
    String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < KeyFormat.ID_LENGTH; i++) {
      id.append(digits.charAt(random.nextInt(62)));
    }
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    byte[] key = KeyFormat.newKey("sr", "live", id.toString(), secret);
    char[] out = new char[key.length];
    for (int i = 0; i < key.length; i++) {
      out[i] = (char) key[i];
    }
    return out;
  }

  @Test
  void item5_twentyThousandForgedKeys_costNoBackendRead_andAuditInAggregate() {
    FaultInjectingBackend backend = backend();
    ApiKeys keys =
        room(backend, ApiKeyPolicy.builder().rejectionAuditInterval(Duration.ofMinutes(1)).build())
            .apiKeys();
    IssuedKey real = keys.issue(request());
    SecureRandom random = new SecureRandom();
    events.clear();
    long before = backend.storeCalls();

    for (int i = 0; i < 20_000; i++) {
      char[] forged = forgedKey(random);
      assertTrue(KeyFormat.isKey(new String(forged)));
      assertEquals(Outcome.INVALID, keys.verify(forged).outcome());
    }

    assertEquals(0, backend.storeCalls() - before, "backend calls for 20,000 forged keys");
    assertEquals(1, verifyEvents(AuditEvent.Outcome.DENIED), events.toString());
    assertTrue(keys.verify(real.key()).valid());
    clock.advance(Duration.ofMinutes(1));
    assertTrue(keys.verify(real.key()).valid()); // the next verification flushes the counts
    AuditEvent summary = events.get(events.size() - 2);
    assertEquals("suppressed", summary.detail().split(" ")[0], events.toString());
    assertTrue(summary.detail().endsWith("invalid=19999"), summary.detail());
  }

  @Test
  void item5_coldRoom_forgedKeysCostOnePepperRead() {
    keys().issue(request());
    FaultInjectingBackend cold = backend();
    ApiKeys keys = room(cold, ApiKeyPolicy.defaults()).apiKeys();
    SecureRandom random = new SecureRandom();
    long before = cold.storeCalls();
    for (int i = 0; i < 1_000; i++) {
      assertEquals(Outcome.INVALID, keys.verify(forgedKey(random)).outcome());
    }
    assertEquals(1, cold.storeCalls() - before, "the pepper, once");
  }

  @Test
  void item5_unknownButTaggedIds_negativeCacheAndLimit_neverEvictOrStarveKnownKeys() {
    ApiKeys issuer = keys();
    List<IssuedKey> real = new ArrayList<>();
    List<IssuedKey> lost = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      real.add(issuer.issue(request()));
    }
    for (int i = 0; i < 50; i++) {
      IssuedKey k = issuer.issue(request());
      raw.destroy(DestroyRequest.all("apikeys/" + k.id()));
      lost.add(k);
    }
    FaultInjectingBackend backend = backend();
    ApiKeys keys =
        room(
                backend,
                ApiKeyPolicy.builder()
                    .cacheSize(5)
                    .negativeCacheSize(100)
                    .unknownLookupLimit(20, Duration.ofHours(1))
                    .build())
            .apiKeys();
    real.forEach(k -> assertTrue(keys.verify(k.key()).valid()));
    long before = backend.storeCalls();

    List<Outcome> outcomes = new ArrayList<>();
    for (IssuedKey k : lost) {
      outcomes.add(keys.verify(k.key()).outcome());
    }

    assertEquals(20, backend.storeCalls() - before, "one read per token, then none");
    assertEquals(20, outcomes.stream().filter(o -> o == Outcome.INVALID).count());
    assertEquals(30, outcomes.stream().filter(o -> o == Outcome.RATE_LIMITED).count());
    long afterFlood = backend.storeCalls();
    real.forEach(k -> assertTrue(keys.verify(k.key()).valid(), "known keys stay cached"));
    for (IssuedKey k : lost.subList(0, 20)) {
      assertEquals(Outcome.INVALID, keys.verify(k.key()).outcome());
    }
    assertEquals(afterFlood, backend.storeCalls(), "known keys and remembered unknowns: no read");
  }

  @Test
  void item5_verifyWithFailingAuditSink_failsClosed_validAndRejected() {
    ApiKeys keys = keys();
    IssuedKey issued = keys.issue(request());
    assertTrue(keys.verify(issued.key()).valid());
    assertTrue(verifyEvents(AuditEvent.Outcome.OK) >= 1, "successes are audited");

    auditBroken.set(true);
    assertThrows(AccessDeniedException.class, () -> keys.verify(issued.key()));
    assertThrows(AccessDeniedException.class, () -> keys.verify(forgedKey(new SecureRandom())));
    assertThrows(AccessDeniedException.class, () -> keys.verify(forgedKey(new SecureRandom())));
    assertEquals(0, verifyEvents(AuditEvent.Outcome.DENIED));
    auditBroken.set(false);
    assertTrue(keys.verify(issued.key()).valid());
    assertEquals(Outcome.INVALID, keys.verify(forgedKey(new SecureRandom())).outcome());
    assertNotEquals(0, verifyEvents(AuditEvent.Outcome.DENIED), "recorded once the sink works");
  }
}
