package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TenantTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("table", "invoices");

  private final MutableClock clock = MutableClock.create();
  private final MemoryBackend backend = MemoryBackend.create(clock);
  private final Strongroom room =
      Strongroom.builder().backend(backend).clock(clock).executor(Runnable::run).build();

  @AfterEach
  void close() {
    room.close();
  }

  /** Tenant {@code id}'s view, with its key created (keys are never created implicitly). */
  private Strongroom newTenant(String id) {
    Strongroom tenant = room.tenant(id);
    tenant.keys().create("default");
    return tenant;
  }

  @Test
  void tenant_secretsLiveUnderPrefixSealedByTenantKey() {
    Strongroom acme = newTenant("acme");
    acme.put("db/password", SecretValue.ofUtf8("acme-pw"));

    assertEquals("acme-pw", acme.secret("db/password").copyUtf8String());
    assertEquals(List.of("db/password"), acme.list(""));
    assertEquals("db/password", acme.metadata("db/password").name());
    assertEquals(List.of("tenants/acme/db/password"), room.list("tenants/"));
    byte[] stored =
        backend
            .secrets()
            .read(ReadRequest.current("tenants/acme/db/password"))
            .orElseThrow()
            .value()
            .copyBytes();
    assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains("acme-pw"));
    assertEquals(List.of(1), backend.keys().describe("tenant-acme").versions());
  }

  @Test
  void tenants_areIsolated() {
    Strongroom acme = newTenant("acme");
    Strongroom globex = newTenant("globex");
    acme.put("k", SecretValue.ofUtf8("a"));
    globex.put("k", SecretValue.ofUtf8("g"));
    byte[] acmeCt = acme.encrypt(new byte[] {1}, CONTEXT);

    assertEquals("a", acme.secret("k").copyUtf8String());
    assertEquals("g", globex.secret("k").copyUtf8String());
    assertThrows(InvalidCiphertextException.class, () -> globex.decrypt(acmeCt, CONTEXT));
    assertThrows(InvalidCiphertextException.class, () -> room.decrypt(acmeCt, CONTEXT));
    assertThrows(NotFoundException.class, () -> acme.keys().describe("tenant-globex"));
    assertEquals("tenant-globex", room.keys().describe("tenants/globex/default").name());
    assertEquals("tenant-acme", acme.keys().describe("default").name());
  }

  @Test
  void destroyTenantKey_cryptoShredsTenantDataAndSecrets() {
    Strongroom acme = newTenant("acme");
    Strongroom globex = newTenant("globex");
    acme.put("db/password", SecretValue.ofUtf8("acme-pw"));
    acme.secret("db/password"); // cached
    byte[] ciphertext = acme.encrypt("invoice 42".getBytes(StandardCharsets.UTF_8), CONTEXT);
    byte[] globexCt = globex.encrypt(new byte[] {7}, CONTEXT);
    assertArrayEquals(
        "invoice 42".getBytes(StandardCharsets.UTF_8), acme.decrypt(ciphertext, CONTEXT));

    room.keys().destroy("tenant-acme");

    NotFoundException shredded =
        assertThrows(NotFoundException.class, () -> acme.decrypt(ciphertext, CONTEXT));
    assertTrue(shredded.getMessage().contains("destroyed"), shredded.getMessage());
    assertThrows(StrongroomException.class, () -> acme.secret("db/password"));
    assertThrows(
        NotFoundException.class,
        () -> room.tenant("acme").decrypt(ciphertext, CONTEXT)); // no fresh key appears
    room.tenant("acme").keys().create("default"); // explicitly, for new data
    assertThrows(
        InvalidCiphertextException.class,
        () -> room.tenant("acme").decrypt(ciphertext, CONTEXT)); // old data stays shredded
    assertArrayEquals(new byte[] {7}, globex.decrypt(globexCt, CONTEXT));
  }

  @Test
  void keysList_eachViewSeesOnlyTheKeysItMayDescribe_asItSpellsThem() {
    newTenant("acme");
    newTenant("globex");
    room.keys().create("orders");

    assertEquals(List.of("default", "orders", "tenant-acme", "tenant-globex"), room.keys().list());
    // a tenant has one key, which it calls default; it never sees its neighbours'
    assertEquals(List.of("default"), room.tenant("acme").keys().list());
    // a tenant without a key lists none (and listing creates none)
    assertEquals(List.of(), room.tenant("newco").keys().list());
    assertEquals(List.of("default", "orders", "tenant-acme", "tenant-globex"), room.keys().list());
    // a scoped view lists only the keys it may read (describe)
    Strongroom orders =
        room.scoped(AccessPolicy.allow(AccessPolicy.Resource.KEY, "orders", Operation.READ));
    assertEquals(List.of("orders"), orders.keys().list());
    Strongroom encryptOnly =
        room.scoped(AccessPolicy.allow(AccessPolicy.Resource.KEY, "orders", Operation.ENCRYPT));
    assertEquals(List.of(), encryptOnly.keys().list());
    Strongroom acmeKeyOnly =
        room.scoped(
            AccessPolicy.allow(AccessPolicy.Resource.KEY, "tenants/acme/default", Operation.READ));
    assertEquals(List.of("tenant-acme"), acmeKeyOnly.keys().list());
  }

  @Test
  void tenant_badId_rejected() {
    assertThrows(IllegalArgumentException.class, () -> room.tenant("Acme!"));
    assertThrows(IllegalArgumentException.class, () -> room.tenant(""));
    assertThrows(IllegalStateException.class, () -> room.tenant("a").tenant("b"));
  }

  @Test
  void tenant_scoped_policyRelativeToTenant() {
    Strongroom acme = newTenant("acme");
    acme.put("db/password", SecretValue.ofUtf8("pw"));
    acme.put("admin/key", SecretValue.ofUtf8("k"));
    Strongroom reader = acme.scoped(AccessPolicy.allow("db/*", Operation.READ));

    assertEquals("pw", reader.secret("db/password").copyUtf8String());
    assertThrows(AccessDeniedException.class, () -> reader.secret("admin/key"));
    assertTrue(reader.toString().contains("tenants/acme/"));
  }
}
