package dev.strongroom.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.AccessPolicy;
import dev.strongroom.AccessPolicy.Resource;
import dev.strongroom.Operation;
import dev.strongroom.SecretRef;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.apikey.IssueRequest;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.ReadRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The room's isolation promises on a real backend: tenants apart from each other and from views
 * allowed only the room's key, a read-only view unable to create a tenant key, crypto-shredding
 * that no later call undoes, reserved namespaces out of reach of the secret API whatever the
 * policy, names refused on every write path, and secrets and keys as distinct resources. A
 * backend's test extends this class and implements {@link #newBackend()}.
 *
 * <p>Each test uses fresh tenant ids and a fresh name prefix, so the suite can run against a shared
 * server. The room's {@code default} key is created explicitly if the store lacks it (nothing
 * creates keys implicitly).
 */
public abstract class RoomIsolationContract {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("table", "invoices");

  private final List<Strongroom> rooms = new ArrayList<>();
  private Backend raw;
  private Strongroom room;
  private String run;

  /**
   * A new client of this test's store: every call during one test must reach the same data (as a
   * second process would); the caller closes it.
   */
  protected abstract Backend newBackend();

  @BeforeEach
  void openRoom() {
    run = UUID.randomUUID().toString().substring(0, 8);
    raw = newBackend();
    room = Strongroom.builder().backend(newBackend()).executor(Runnable::run).build();
    rooms.add(room);
    try {
      room.keys().describe("default");
    } catch (NotFoundException e) {
      room.keys().create("default");
    }
  }

  @AfterEach
  void closeRooms() {
    rooms.forEach(Strongroom::close);
    raw.close();
  }

  private String tenantId(String label) {
    return label + "-" + run;
  }

  private Strongroom newTenant(String id) {
    Strongroom tenant = room.tenant(id);
    tenant.keys().create("default");
    return tenant;
  }

  private boolean keyExists(String stored) {
    try {
      raw.keys().describe(stored);
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private static void assertDenied(Executable call) {
    assertThrows(AccessDeniedException.class, call);
  }

  @Test
  void tenants_secretsSealedApart_andUnreachableFromEachOther() {
    String a = tenantId("a");
    String b = tenantId("b");
    Strongroom inA = newTenant(a);
    Strongroom inB = newTenant(b);
    try {
      inA.put("db/password", SecretValue.ofUtf8("CANARY-a"));
      inB.put("db/password", SecretValue.ofUtf8("CANARY-b"));
      byte[] bData = inB.encrypt(new byte[] {42}, CONTEXT);

      assertEquals("CANARY-a", inA.secret("db/password").copyUtf8String());
      assertEquals("CANARY-b", inB.secret("db/password").copyUtf8String());
      assertThrows(StrongroomException.class, () -> inA.decrypt(bData, CONTEXT));
      byte[] stored =
          raw.secrets()
              .read(ReadRequest.current("tenants/" + a + "/db/password"))
              .orElseThrow()
              .value()
              .copyBytes();
      assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains("CANARY"));

      Strongroom defaultKeyOnly =
          room.scoped(
              AccessPolicy.allow(Resource.TENANT, "*", Operation.READ)
                  .andAllow(Resource.KEY, "default", Operation.ENCRYPT, Operation.DECRYPT)
                  .andAllow("tenants/" + a + "/**", Operation.READ));
      assertDenied(() -> defaultKeyOnly.tenant(b).decrypt(bData, CONTEXT));
      assertDenied(() -> defaultKeyOnly.tenant(b).secret("db/password"));
      assertEquals("CANARY-a", defaultKeyOnly.tenant(a).secret("db/password").copyUtf8String());
    } finally {
      room.keys().destroy("tenants/" + a + "/default");
      room.keys().destroy("tenants/" + b + "/default");
    }
  }

  @Test
  void backendWriter_withoutTheKey_cannotMoveASealedValueToAnotherName() {
    String t = tenantId("swap");
    Strongroom in = newTenant(t);
    try {
      in.put("db/password", SecretValue.ofUtf8("CANARY-swap"));
      in.put("public/motd", SecretValue.ofUtf8("hello"));
      SecretValue sealed =
          raw.secrets()
              .read(ReadRequest.current("tenants/" + t + "/db/password"))
              .orElseThrow()
              .value();
      raw.secrets()
          .write(
              new dev.strongroom.spi.WriteRequest(
                  "tenants/" + t + "/public/motd",
                  sealed,
                  Stage.CURRENT,
                  dev.strongroom.spi.WriteRequest.ANY_VERSION));
      sealed.wipe();

      Strongroom fresh = Strongroom.builder().backend(newBackend()).build();
      rooms.add(fresh);
      assertThrows(
          dev.strongroom.exception.InvalidCiphertextException.class,
          () -> fresh.tenant(t).secret("public/motd"));
      assertEquals("CANARY-swap", fresh.tenant(t).secret("db/password").copyUtf8String());
    } finally {
      room.keys().destroy("tenants/" + t + "/default");
    }
  }

  @Test
  void readOnlyView_cannotOpenOrCreateATenant() {
    String newco = tenantId("newco");
    Strongroom readOnly = room.scoped(AccessPolicy.allow("**", Operation.READ, Operation.LIST));

    assertDenied(() -> readOnly.tenant(newco));
    Strongroom entering =
        room.scoped(
            AccessPolicy.allow(Resource.TENANT, "*", Operation.READ)
                .andAllow("**", Operation.READ, Operation.WRITE));
    assertDenied(() -> entering.tenant(newco).keys().create("default"));
    assertThrows(
        NotFoundException.class,
        () -> entering.tenant(newco).put("x", SecretValue.ofUtf8("no key, no write")));
    assertFalse(keyExists("tenant-" + newco));
  }

  @Test
  void cryptoShred_isNeverUndoneImplicitly() {
    String acme = tenantId("acme");
    Strongroom inAcme = newTenant(acme);
    inAcme.put("db/password", SecretValue.ofUtf8("CANARY-shred"));
    byte[] data = inAcme.encrypt(new byte[] {7}, CONTEXT);

    room.keys().destroy("tenants/" + acme + "/default");

    Strongroom again = room.tenant(acme);
    assertThrows(StrongroomException.class, () -> again.secret("db/password"));
    assertThrows(StrongroomException.class, () -> again.decrypt(data, CONTEXT));
    NotFoundException put =
        assertThrows(NotFoundException.class, () -> again.put("new", SecretValue.ofUtf8("x")));
    assertTrue(put.getMessage().contains("destroyed"), put.getMessage());
    assertFalse(keyExists("tenant-" + acme));
  }

  @Test
  void reservedNamespaces_unreachableThroughTheSecretApi_whateverThePolicy() {
    room.apiKeys()
        .issue(IssueRequest.builder("test").owner("isolation-" + run).scopes("read").build());
    Strongroom everything =
        room.scoped(
            AccessPolicy.allow(
                "**",
                Operation.READ,
                Operation.WRITE,
                Operation.LIST,
                Operation.ROTATE,
                Operation.DELETE,
                Operation.LEASE));
    for (Strongroom view : List.of(room, everything)) {
      for (String name : List.of("apikeys/.pepper", ".strongroom/audit/checkpoint")) {
        assertDenied(() -> view.secret(name));
        assertDenied(() -> view.secret(SecretRef.ofStage(name, Stage.PENDING)));
        assertDenied(() -> view.metadata(name));
        assertDenied(() -> view.put(name, SecretValue.ofUtf8("forged")));
        assertDenied(() -> view.putPending(name, SecretValue.ofUtf8("forged")));
        assertDenied(() -> view.rotate(name, c -> SecretValue.ofUtf8("forged")));
        assertDenied(() -> view.delete(name));
        assertDenied(() -> view.destroy(name));
        assertDenied(() -> view.leaseSecret(name, Duration.ofSeconds(1), Duration.ofSeconds(1)));
      }
      assertDenied(() -> view.list("apikeys/"));
      assertDenied(() -> view.list(".strongroom/"));
      view.list("").forEach(n -> assertFalse(n.startsWith("apikeys/"), n));
    }
    assertTrue(raw.secrets().read(ReadRequest.current("apikeys/.pepper")).isPresent());
  }

  @Test
  void names_controlAndBidiCharacters_refusedOnEveryWritePath() {
    String base = "iso-" + run + "/a";
    for (String bad :
        List.of(base + "\nb", base + "\u001b[2Jb", base + "\u0085b", base + "\u202eb")) {
      assertThrows(IllegalArgumentException.class, () -> room.put(bad, SecretValue.ofUtf8("x")));
      assertThrows(
          IllegalArgumentException.class, () -> room.putPending(bad, SecretValue.ofUtf8("x")));
      assertThrows(
          IllegalArgumentException.class, () -> room.rotate(bad, c -> SecretValue.ofUtf8("x")));
    }
    assertEquals(List.of(), room.list("iso-" + run + "/"));
  }

  @Test
  void pendingWrite_inTenant_isSealedAndLeavesCurrent() {
    String t = tenantId("pending");
    Strongroom in = newTenant(t);
    try {
      in.put("k", SecretValue.ofUtf8("v1"));
      in.putPending("k", SecretValue.ofUtf8("CANARY-pending"));

      assertEquals("v1", in.secret("k").copyUtf8String());
      assertEquals(
          "CANARY-pending", in.secret(SecretRef.ofStage("k", Stage.PENDING)).copyUtf8String());
      byte[] stored =
          raw.secrets()
              .read(ReadRequest.stage("tenants/" + t + "/k", Stage.PENDING))
              .orElseThrow()
              .value()
              .copyBytes();
      assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains("CANARY"));
    } finally {
      room.keys().destroy("tenants/" + t + "/default");
    }
  }

  @Test
  void secretsAndKeys_areDistinctResources() {
    String name = "kek/iso-" + run;
    room.put(name, SecretValue.ofUtf8("a secret under kek/"));
    Strongroom secretsUnderKek =
        room.scoped(
            AccessPolicy.allow(
                "kek/**", Operation.READ, Operation.WRITE, Operation.ROTATE, Operation.DELETE));
    assertEquals("a secret under kek/", secretsUnderKek.secret(name).copyUtf8String());
    assertDenied(() -> secretsUnderKek.keys().describe("default"));
    assertDenied(() -> secretsUnderKek.keys().rotate("default"));
    assertDenied(() -> secretsUnderKek.encrypt(new byte[] {1}, CONTEXT));

    Strongroom keysOnly =
        room.scoped(
            AccessPolicy.allow(
                Resource.KEY, "**", Operation.READ, Operation.ENCRYPT, Operation.DECRYPT));
    assertDenied(() -> keysOnly.secret(name));
    byte[] sealed = keysOnly.encrypt(new byte[] {3}, CONTEXT);
    assertArrayEquals(new byte[] {3}, keysOnly.decrypt(sealed, CONTEXT));
    room.destroy(name);
  }

  @Test
  void scopedChains_intersect() {
    String prefix = "iso-" + run + "/";
    room.put(prefix + "db/a", SecretValue.ofUtf8("a"));
    Strongroom outer =
        room.scoped(AccessPolicy.allow(prefix + "db/**", Operation.READ, Operation.WRITE));
    Strongroom inner = outer.scoped(AccessPolicy.allow("**", Operation.READ));

    assertEquals("a", inner.secret(prefix + "db/a").copyUtf8String());
    assertDenied(() -> inner.put(prefix + "db/a", SecretValue.ofUtf8("b")));
    assertDenied(() -> outer.secret(prefix + "other"));
    room.destroy(prefix + "db/a");
  }
}
