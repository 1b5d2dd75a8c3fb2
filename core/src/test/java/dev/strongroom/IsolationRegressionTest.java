package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.apikey.IssueRequest;
import dev.strongroom.apikey.IssuedKey;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.testkit.MutableClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Regression tests for issue 11, items 1, 2, 6 and 9 and "no implicit KEK": each one is an attack
 * through the public API that succeeded before the room had one guard.
 */
class IsolationRegressionTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("table", "invoices");

  private final MutableClock clock = MutableClock.create();
  private final MemoryBackend backend = MemoryBackend.create(clock);
  private final List<String> records = new ArrayList<>();
  private final Strongroom room =
      Strongroom.builder()
          .backend(backend)
          .clock(clock)
          .executor(Runnable::run)
          .principal("svc")
          .audit(
              new dev.strongroom.audit.AuditSink() {
                @Override
                public void record(dev.strongroom.audit.AuditEvent e) {
                  records.add(e.operation() + " " + e.resource() + " " + e.outcome());
                }

                @Override
                public void close() {}
              })
          .build();

  @AfterEach
  void close() {
    room.close();
  }

  private boolean keyExists(String backendName) {
    try {
      backend.keys().describe(backendName);
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private Strongroom newTenant(String id) {
    Strongroom tenant = room.tenant(id);
    tenant.keys().create("default");
    return tenant;
  }

  // ------------------------------------------------------------ item 1: tenant escape

  @Test
  void item1_defaultKeyView_cannotEnterAnotherTenantAndDecrypt() {
    Strongroom b = newTenant("b");
    byte[] tenantBData = b.encrypt(new byte[] {42}, CONTEXT);
    Strongroom view =
        room.scoped(
            AccessPolicy.allow(AccessPolicy.Resource.KEY, "default", Operation.ENCRYPT)
                .andAllow(AccessPolicy.Resource.KEY, "default", Operation.DECRYPT)
                .andAllow("tenants/a/**", Operation.READ));

    assertThrows(AccessDeniedException.class, () -> view.tenant("b").decrypt(tenantBData, CONTEXT));
  }

  @Test
  void item1_tenantViewAllowed_keyStillCheckedInItsNamespace() {
    Strongroom b = newTenant("b");
    byte[] tenantBData = b.encrypt(new byte[] {42}, CONTEXT);
    Strongroom view =
        room.scoped(
            AccessPolicy.allow(AccessPolicy.Resource.TENANT, "*", Operation.READ)
                .andAllow(
                    AccessPolicy.Resource.KEY, "default", Operation.ENCRYPT, Operation.DECRYPT));

    Strongroom inB = view.tenant("b"); // entering is allowed here
    assertThrows(AccessDeniedException.class, () -> inB.decrypt(tenantBData, CONTEXT));
    assertThrows(AccessDeniedException.class, () -> inB.encrypt(new byte[] {1}, CONTEXT));
    assertTrue(records.contains("decrypt kek/tenants/b/default DENIED"), records.toString());
  }

  @Test
  void item1_readOnlyView_tenantNewco_createsNoKey() {
    Strongroom readOnly = room.scoped(AccessPolicy.allow("**", Operation.READ, Operation.LIST));

    assertThrows(AccessDeniedException.class, () -> readOnly.tenant("newco"));
    assertFalse(keyExists("tenant-newco"));
    assertTrue(records.contains("tenant tenants/newco DENIED"), records.toString());
  }

  @Test
  void item1_tenantCalledOnRoom_createsNoKeyEither() {
    Strongroom newco = room.tenant("newco");

    assertFalse(keyExists("tenant-newco"));
    StrongroomException e =
        assertThrows(
            NotFoundException.class, () -> newco.put("db/password", SecretValue.ofUtf8("pw")));
    assertTrue(e.getMessage().contains("keys().create"), e.getMessage());
    assertFalse(keyExists("tenant-newco"));
  }

  @Test
  void item1_afterCryptoShred_tenantIsNotRecreatedImplicitly() {
    Strongroom acme = newTenant("acme");
    acme.put("db/password", SecretValue.ofUtf8("acme-pw"));
    byte[] ciphertext = acme.encrypt(new byte[] {7}, CONTEXT);
    room.keys().destroy("tenant-acme");

    Strongroom again = room.tenant("acme");
    NotFoundException put =
        assertThrows(
            NotFoundException.class, () -> again.put("other", SecretValue.ofUtf8("new-data")));
    assertThrows(NotFoundException.class, () -> again.encrypt(new byte[] {1}, CONTEXT));
    assertThrows(StrongroomException.class, () -> again.decrypt(ciphertext, CONTEXT));
    assertFalse(keyExists("tenant-acme"));
    assertTrue(put.getMessage().contains("tenant 'acme'"), put.getMessage());
  }

  @Test
  void item1_creatingTenantKey_needsKeyCreatePermission_andIsAudited() {
    Strongroom tenantAdmin =
        room.scoped(
            AccessPolicy.allow(AccessPolicy.Resource.TENANT, "*", Operation.READ)
                .andAllow("tenants/**", Operation.READ, Operation.WRITE));
    assertThrows(
        AccessDeniedException.class, () -> tenantAdmin.tenant("newco").keys().create("default"));
    assertFalse(keyExists("tenant-newco"));

    Strongroom keyAdmin =
        room.scoped(
            AccessPolicy.allow(AccessPolicy.Resource.TENANT, "*", Operation.READ)
                .andAllow(AccessPolicy.Resource.KEY, "tenants/*/default", Operation.CREATE));
    keyAdmin.tenant("newco").keys().create("default");
    assertTrue(keyExists("tenant-newco"));
    assertTrue(records.contains("key.create kek/tenants/newco/default OK"), records.toString());
  }

  // -------------------------------------------------- item 2: the reserved apikeys/ prefix

  @Test
  void item2_reservedPrefix_unreachableThroughGenericApi_evenForEverythingPolicy() {
    IssuedKey issued =
        room.apiKeys().issue(IssueRequest.builder("live").owner("alice").scopes("read").build());
    room.apiKeys().revoke(issued.id());
    String record = "apikeys/" + issued.id();
    Strongroom all =
        room.scoped(
            AccessPolicy.allow(
                "**",
                Operation.READ,
                Operation.WRITE,
                Operation.LIST,
                Operation.ROTATE,
                Operation.DELETE,
                Operation.LEASE));

    for (Strongroom view : List.of(room, all)) {
      for (String name : List.of(record, "apikeys/.pepper", ".strongroom/audit/checkpoint")) {
        assertDenied(() -> view.secret(name));
        assertDenied(() -> view.secret(SecretRef.ofStage(name, Stage.PREVIOUS)));
        assertDenied(() -> view.metadata(name));
        assertDenied(() -> view.put(name, SecretValue.ofUtf8("{\"scopes\":[\"admin:all\"]}")));
        assertDenied(() -> view.putPending(name, SecretValue.ofUtf8("x")));
        assertDenied(() -> view.rotate(name, c -> SecretValue.ofUtf8("x")));
        assertDenied(() -> view.delete(name));
        assertDenied(() -> view.undelete(name));
        assertDenied(() -> view.destroy(name));
        assertDenied(
            () ->
                view.leaseSecret(
                    name, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2)));
      }
      assertEquals(List.of(), view.list(""));
      assertDenied(() -> view.list("apikeys/"));
      assertDenied(() -> view.list(".strongroom/"));
    }
    assertTrue(backend.secrets().read(ReadRequest.current(record)).isPresent());
    assertEquals(
        dev.strongroom.apikey.Verification.Outcome.REVOKED,
        room.apiKeys().verify(issued.key()).outcome());
  }

  private static void assertDenied(Executable call) {
    assertThrows(AccessDeniedException.class, call);
  }

  // ------------------------------------------------------ item 6: names on every write path

  @Test
  void item6_pendingWrite_checksNameAndSealsTenantValues() {
    assertThrows(
        IllegalArgumentException.class, () -> room.putPending("a\nb", SecretValue.ofUtf8("x")));
    Strongroom acme = newTenant("acme");
    acme.put("db/password", SecretValue.ofUtf8("v1"));
    acme.putPending("db/password", SecretValue.ofUtf8("PENDING-CANARY"));

    byte[] stored =
        backend
            .secrets()
            .read(ReadRequest.stage("tenants/acme/db/password", Stage.PENDING))
            .orElseThrow()
            .value()
            .copyBytes();
    assertFalse(
        new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1).contains("CANARY"));
    assertEquals(
        "PENDING-CANARY",
        acme.secret(SecretRef.ofStage("db/password", Stage.PENDING)).copyUtf8String());
    assertEquals("v1", acme.secret("db/password").copyUtf8String());
  }

  @Test
  void item6_controlAndBidiCharacters_refusedWithClearMessage() {
    for (String bad :
        List.of(
            "a\nb", "a\u001b[31mb", "a\u007fb", "a\u0085b", "a\u009bb", "a\u202eb", "a\u2066b")) {
      for (Executable write :
          List.<Executable>of(
              () -> room.put(bad, SecretValue.ofUtf8("x")),
              () -> room.putPending(bad, SecretValue.ofUtf8("x")),
              () -> room.rotate(bad, c -> SecretValue.ofUtf8("x")))) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, write);
        assertTrue(
            e.getMessage().contains("control character")
                || e.getMessage().contains("bidirectional"),
            e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\u001b"));
      }
    }
    assertEquals(List.of(), room.list(""));
  }

  @Test
  void item6_namesANativeWriterStored_neverListedRaw() {
    MemoryBackend memory = MemoryBackend.create(clock);
    dev.strongroom.spi.SecretStore store = memory.secrets();
    dev.strongroom.spi.SecretStore nativeNames =
        new dev.strongroom.spi.SecretStore() {
          @Override
          public java.util.Optional<dev.strongroom.spi.StoredSecret> read(ReadRequest r) {
            return store.read(r);
          }

          @Override
          public dev.strongroom.spi.SecretVersion write(dev.strongroom.spi.WriteRequest r) {
            return store.write(r);
          }

          @Override
          public List<String> list(String prefix) {
            List<String> names = new ArrayList<>(store.list(prefix));
            names.add("evil\u001b[2Jname"); // as a native writer (bao, boto3) could store
            names.add("line\nbreak");
            names.add("bidi\u202eeman");
            return names;
          }

          @Override
          public dev.strongroom.spi.SecretMetadata metadata(String name) {
            return store.metadata(name);
          }

          @Override
          public dev.strongroom.spi.SecretMetadata moveStage(MoveStageRequest request) {
            String name = request.name();
            Stage stage = request.stage();
            long version = request.version();
            long expectedCurrent = request.expectedCurrent();
            return store.moveStage(request);
          }

          @Override
          public void delete(String name) {
            store.delete(name);
          }

          @Override
          public void undelete(String name) {
            store.undelete(name);
          }

          @Override
          public void destroy(DestroyRequest request) {
            String name = request.name();
            List<Long> versions = request.versions();
            store.destroy(request);
          }
        };
    dev.strongroom.spi.Backend native_ =
        new dev.strongroom.spi.Backend() {
          @Override
          public dev.strongroom.spi.SecretStore secrets() {
            return nativeNames;
          }

          @Override
          public dev.strongroom.spi.KeyEncryptionService keys() {
            return memory.keys();
          }

          @Override
          public void close() {
            memory.close();
          }
        };
    try (Strongroom over = Strongroom.builder().backend(native_).build()) {
      over.put("good", SecretValue.ofUtf8("x"));

      assertEquals(List.of("good"), over.list(""));
    }
  }

  // ---------------------------------------------- item 9: keys and secrets are distinct types

  @Test
  void item9_secretNamedKekX_isNotKeyX() {
    Strongroom secretsUnderKek =
        room.scoped(
            AccessPolicy.allow(
                "kek/**", Operation.READ, Operation.WRITE, Operation.ROTATE, Operation.DELETE));
    assertDenied(() -> secretsUnderKek.keys().describe("default"));
    assertDenied(() -> secretsUnderKek.keys().rotate("default"));
    assertDenied(() -> secretsUnderKek.keys().destroy("default"));
    assertTrue(keyExists("default"));

    room.put("kek/default", SecretValue.ofUtf8("a secret"));
    Strongroom keyReader =
        room.scoped(AccessPolicy.allow(AccessPolicy.Resource.KEY, "**", Operation.READ));
    assertDenied(() -> keyReader.secret("kek/default"));
    assertEquals("default", keyReader.keys().describe("default").name());
  }

  @Test
  void item9_encryptPermissionOnASecretRule_isRefusedAsMeaningless() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AccessPolicy.allow("kek/default", Operation.ENCRYPT));
    assertTrue(e.getMessage().contains("Resource.KEY"), e.getMessage());
  }

  // ----------------------------------------------------------- no implicit KEK creation

  @Test
  void noOperationCreatesAKekImplicitly() {
    room.keys().destroy("default");

    assertThrows(NotFoundException.class, () -> room.encrypt(new byte[] {1}, CONTEXT));
    assertThrows(NotFoundException.class, () -> room.envelope());
    assertThrows(NotFoundException.class, () -> room.decrypt(new byte[] {1, 2, 3}, CONTEXT));
    assertFalse(keyExists("default"));

    room.keys().create("default");
    assertTrue(keyExists("default"));
    assertEquals(1, room.decrypt(room.encrypt(new byte[] {1}, CONTEXT), CONTEXT).length);
  }
}
