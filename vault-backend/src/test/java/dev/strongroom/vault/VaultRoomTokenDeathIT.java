package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.lease.LeaseEvent;
import dev.strongroom.lease.LeasedCredential;
import dev.strongroom.vault.internal.VaultBackend;
import dev.strongroom.vault.internal.VaultHttp;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the token behind a room dies (revoked out of band with the root token) and OpenBao
 * revokes the leases that token created, so the database login dies with it. The room's background
 * renewer notices within its check interval without any request, the lease manager refuses reads of
 * the dead credential from then on, the backend logs in again (AppRole) and the credential is
 * re-acquired under the new token. With a fixed token (no re-login) the credential stays refused. A
 * token near its max TTL is replaced by a fresh login before it dies, with no failed read. Lease
 * TTL one hour: its own renewal cannot explain anything here.
 */
class VaultRoomTokenDeathIT {
  private VaultBackend root;
  private DynamicDb db;
  private String policy;
  private String role;

  @BeforeEach
  void setUp() {
    root = VaultServers.devBackend();
    db = DynamicDb.create(root, "1h", "4h");
    policy = VaultServers.unique("it-policy");
    ObjectNode body = VaultHttp.object();
    body.put(
        "policy",
        "path \"secret/*\" { capabilities = [\"create\", \"read\", \"update\", \"delete\","
            + " \"list\"] }\n"
            + "path \""
            + db.path()
            + "\" { capabilities = [\"read\"] }\n"
            + "path \"sys/leases/renew\" { capabilities = [\"update\"] }\n"
            + "path \"sys/leases/revoke\" { capabilities = [\"update\"] }\n");
    VaultServers.root(root, "PUT", "sys/policies/acl/" + policy, body);
    role = VaultServers.unique("it-role");
    ObjectNode roleBody = VaultHttp.object();
    roleBody.putArray("token_policies").add(policy);
    roleBody.put("token_ttl", "1h");
    roleBody.put("token_max_ttl", "4h");
    VaultServers.root(root, "POST", "auth/approle/role/" + role, roleBody);
  }

  @AfterEach
  void tearDown() {
    db.close();
    root.http().send("DELETE", "auth/approle/role/" + role, null);
    root.http().send("DELETE", "sys/policies/acl/" + policy, null);
  }

  /**
   * Issue 17, inverted from "a dead-credential window exists": after an out-of-band revoke, the
   * background lookup (every second here) notices the death without any request to Vault, from then
   * on no read returns the revoked password (reads are refused with LeaseExpiredException until the
   * replacement is in), the room logs in again and re-acquires the lease. Reads run on this thread
   * in a tight loop from the revoke on; the times to the first refusal and to the first fresh
   * password that PostgreSQL accepts are printed.
   */
  @Test
  void appRoleToken_revokedOutOfBand_noticedInBackground_revokedPasswordNeverReadAfter()
      throws Exception {
    String roleId =
        VaultServers.root(root, "GET", "auth/approle/role/" + role + "/role-id", null)
            .data()
            .path("role_id")
            .asText();
    String secretId =
        VaultServers.root(
                root, "POST", "auth/approle/role/" + role + "/secret-id", VaultHttp.object())
            .data()
            .path("secret_id")
            .asText();
    List<LeaseEvent> events = new CopyOnWriteArrayList<>();
    Duration checkInterval = Duration.ofSeconds(1);
    try (Strongroom room =
        Strongroom.builder()
            .backend(
                VaultBackendProvider.connect(
                    VaultConfig.builder(URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")))
                        .appRole(
                            "approle", SecretValue.ofUtf8(roleId), SecretValue.ofUtf8(secretId))
                        .tokenCheckInterval(checkInterval)
                        .build()))
            .build()) {
      room.onLeaseEvent(events::add);
      LeasedCredential credential = room.lease(db.path());
      String firstLease = credential.lease().id();
      String user = credential.field("username").copyUtf8String();
      String password = credential.field("password").copyUtf8String();
      assertEquals(user, DynamicDb.currentUser(user, password));
      List<String> before = VaultServers.roleAccessors(root, role);
      assertEquals(1, before.size());

      VaultServers.root(
          root,
          "POST",
          "auth/token/revoke-accessor",
          VaultHttp.object().put("accessor", before.get(0)));
      long revokedAt = System.nanoTime();

      // No call to Vault from here on but the room's own background work.
      long firstRefusal = -1;
      long firstFresh = -1;
      int oldReads = 0;
      int oldReadsAfterRefusal = 0;
      int refusals = 0;
      String freshUser = null;
      String freshPassword = null;
      long deadline = revokedAt + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        long now = System.nanoTime();
        try {
          String u = credential.field("username").copyUtf8String();
          String p = credential.field("password").copyUtf8String();
          if (p.equals(password)) {
            oldReads++;
            if (firstRefusal >= 0 || firstFresh >= 0) {
              oldReadsAfterRefusal++;
            }
          } else if (firstFresh < 0 && DynamicDb.accepts(u, p)) {
            firstFresh = now;
            freshUser = u;
            freshPassword = p;
            break;
          }
        } catch (LeaseExpiredException e) {
          refusals++;
          if (firstRefusal < 0) {
            firstRefusal = now;
          }
          assertFalse(e.getMessage().contains(password), "the message quotes the password");
        } catch (IllegalStateException e) {
          // The value was wiped between field() and copy: the replacement landed; read again.
        }
        TimeUnit.MILLISECONDS.sleep(5);
      }
      assertTrue(firstRefusal >= 0, "the death was never reported; events: " + events);
      assertTrue(firstFresh >= 0, "no fresh credential within 30 s; events: " + events);
      assertEquals(0, oldReadsAfterRefusal, "the revoked password was read after the refusal");
      Duration detected = Duration.ofNanos(firstRefusal - revokedAt);
      Duration fresh = Duration.ofNanos(firstFresh - revokedAt);
      // Noticed within the check interval plus the lookup's round trip.
      assertTrue(
          detected.compareTo(checkInterval.plusSeconds(2)) < 0,
          "noticed after " + detected.toMillis() + " ms");
      assertFalse(DynamicDb.accepts(user, password), "the revoked login still works");
      assertFalse(db.leaseKnown(firstLease));
      assertNotEquals(firstLease, credential.lease().id());
      assertEquals(freshUser, DynamicDb.currentUser(freshUser, freshPassword));
      assertTrue(db.leaseKnown(credential.lease().id()));
      assertTrue(
          events.stream().anyMatch(e -> e.type() == LeaseEvent.Type.ROTATED), "events: " + events);
      List<String> after = VaultServers.roleAccessors(root, role);
      assertEquals(1, after.size());
      assertNotEquals(before.get(0), after.get(0));
      System.out.printf(
          "[VaultRoomTokenDeathIT] check interval %d ms: revoke noticed (first refused read)"
              + " after %d ms, fresh password accepted by PostgreSQL after %d ms; %d read(s) of"
              + " the old password before the notice (inside the bound), %d refused"
              + " read(s), 0 after%n",
          checkInterval.toMillis(), detected.toMillis(), fresh.toMillis(), oldReads, refusals);
    }
    assertEquals(List.of(), db.listedLeases(), "leases left after close");
    assertEquals(List.of(), VaultServers.roleAccessors(root, role), "token left after close");
  }

  /**
   * Issue 17: a token near its max TTL (token_ttl 4 s, token_max_ttl 8 s) is replaced by a fresh
   * AppRole login before it dies, in the background, and the lease under it is re-acquired while
   * the old one is still valid: a read loop across two max-TTL boundaries never fails, and each
   * password it reads is accepted by PostgreSQL when read.
   */
  @Test
  void appRoleToken_nearMaxTtl_freshLoginBeforeItDies_noFailedRead() throws Exception {
    ObjectNode roleBody = VaultHttp.object();
    roleBody.putArray("token_policies").add(policy);
    roleBody.put("token_ttl", "4s");
    roleBody.put("token_max_ttl", "8s");
    VaultServers.root(root, "POST", "auth/approle/role/" + role, roleBody);
    String roleId =
        VaultServers.root(root, "GET", "auth/approle/role/" + role + "/role-id", null)
            .data()
            .path("role_id")
            .asText();
    String secretId =
        VaultServers.root(
                root, "POST", "auth/approle/role/" + role + "/secret-id", VaultHttp.object())
            .data()
            .path("secret_id")
            .asText();
    List<LeaseEvent> events = new CopyOnWriteArrayList<>();
    try (Strongroom room =
        Strongroom.builder()
            .backend(
                VaultBackendProvider.connect(
                    VaultConfig.builder(URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")))
                        .appRole(
                            "approle", SecretValue.ofUtf8(roleId), SecretValue.ofUtf8(secretId))
                        .build()))
            .build()) {
      room.onLeaseEvent(events::add);
      LeasedCredential credential = room.lease(db.path());
      java.util.Set<String> passwords = new java.util.LinkedHashSet<>();
      int reads = 0;
      int failed = 0;
      int wiped = 0;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(18);
      while (System.nanoTime() < end) {
        try {
          String u = credential.field("username").copyUtf8String();
          String p = credential.field("password").copyUtf8String();
          reads++;
          if (passwords.add(p)) {
            assertTrue(DynamicDb.accepts(u, p), "a new password PostgreSQL refuses; " + events);
          }
        } catch (LeaseExpiredException e) {
          failed++;
        } catch (IllegalStateException e) {
          wiped++; // the value was wiped between field() and copy: read again
        }
        TimeUnit.MILLISECONDS.sleep(20);
      }
      String u = credential.field("username").copyUtf8String();
      assertTrue(DynamicDb.accepts(u, credential.field("password").copyUtf8String()));
      assertEquals(0, failed, "failed reads; events: " + events);
      assertTrue(passwords.size() >= 3, "expected two replacements in 18 s; events: " + events);
      System.out.printf(
          "[VaultRoomTokenDeathIT] max TTL 8 s: %d reads over 18 s, %d failed, %d distinct"
              + " passwords, %d read(s) raced a wipe; events %s%n",
          reads,
          failed,
          passwords.size(),
          wiped,
          events.stream().map(e -> e.type().toString()).toList());
    }
  }

  /**
   * A fixed token (cannot log in again) revoked out of band: its lease is reported invalid within
   * the check interval and stays refused; the revoked password is never read after the notice.
   */
  @Test
  void fixedToken_revokedOutOfBand_leaseReportedInvalidAndStaysRefused() throws Exception {
    ObjectNode create = VaultHttp.object();
    create.putArray("policies").add(policy);
    create.put("ttl", "1h");
    VaultHttp.Response made = VaultServers.root(root, "POST", "auth/token/create", create);
    String token = made.body().path("auth").path("client_token").asText();
    String accessor = made.body().path("auth").path("accessor").asText();
    Duration checkInterval = Duration.ofSeconds(1);
    try (Strongroom room =
        Strongroom.builder()
            .backend(
                VaultBackendProvider.connect(
                    VaultConfig.builder(URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")))
                        .token(SecretValue.ofUtf8(token))
                        .tokenCheckInterval(checkInterval)
                        .build()))
            .build()) {
      LeasedCredential credential = room.lease(db.path());
      String password = credential.field("password").copyUtf8String();

      VaultServers.root(
          root, "POST", "auth/token/revoke-accessor", VaultHttp.object().put("accessor", accessor));
      long revokedAt = System.nanoTime();
      long firstRefusal = -1;
      int oldAfter = 0;
      long deadline = revokedAt + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < deadline) {
        try {
          String p = credential.field("password").copyUtf8String();
          if (firstRefusal >= 0 && p.equals(password)) {
            oldAfter++;
          }
        } catch (LeaseExpiredException e) {
          if (firstRefusal < 0) {
            firstRefusal = System.nanoTime();
          }
        } catch (IllegalStateException e) {
          // wiped while read
        }
        TimeUnit.MILLISECONDS.sleep(5);
      }
      assertTrue(firstRefusal >= 0, "the dead lease was never reported");
      assertEquals(0, oldAfter);
      assertTrue(
          Duration.ofNanos(firstRefusal - revokedAt).compareTo(checkInterval.plusSeconds(2)) < 0);
      assertThrows(LeaseExpiredException.class, () -> credential.field("password"));
      System.out.printf(
          "[VaultRoomTokenDeathIT] fixed token: revoke noticed after %d ms; reads stay refused%n",
          (firstRefusal - revokedAt) / 1_000_000);
    }
  }
}
