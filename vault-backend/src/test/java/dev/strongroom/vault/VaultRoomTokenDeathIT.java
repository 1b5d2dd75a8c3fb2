package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.lease.LeaseEvent;
import dev.strongroom.lease.LeasedCredential;
import dev.strongroom.vault.internal.VaultBackend;
import dev.strongroom.vault.internal.VaultHttp;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The token behind a room dies (revoked out of band with the root token while the room uses
 * AppRole): OpenBao revokes the leases that token created, so the database login dies with it. The
 * backend logs in again on the next refused call and signals the lease manager, which re-acquires
 * (rotates) the credential under the new token at once; secrets keep reading. The lease TTL is an
 * hour, so its renewal (at 40 minutes) cannot explain the prompt rotation: only the reset signal.
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

  @Test
  void appRoleToken_revokedOutOfBand_reloginAndLeaseReestablished() throws Exception {
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
    CountDownLatch rotated = new CountDownLatch(1);
    String name = VaultServers.unique("it-token-death") + "/s";
    try (Strongroom room =
        Strongroom.builder()
            .backend(
                VaultBackendProvider.connect(
                    VaultConfig.builder(URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")))
                        .appRole(
                            "approle", SecretValue.ofUtf8(roleId), SecretValue.ofUtf8(secretId))
                        .build()))
            .build()) {
      room.onLeaseEvent(
          e -> {
            events.add(e);
            if (e.type() == LeaseEvent.Type.ROTATED) {
              rotated.countDown();
            }
          });
      room.put(name, SecretValue.ofUtf8("v1"));
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
      // The token's leases die with it: OpenBao drops the database login.
      assertTrue(eventually(() -> !DynamicDb.accepts(user, password)), "login outlived token");
      assertFalse(db.leaseKnown(firstLease));
      assertEquals(1, rotated.getCount(), "rotated before any re-login; events: " + events);

      // The next call to Vault (a write: reads may come from the room's cache) is refused and
      // logs in again; the new token signals the lease manager.
      long reloginAt = System.nanoTime();
      room.put(name, SecretValue.ofUtf8("v2"));
      assertTrue(rotated.await(15, TimeUnit.SECONDS), "lease re-established; events: " + events);
      Duration reestablished = Duration.ofNanos(System.nanoTime() - reloginAt);
      assertEquals(
          List.of(LeaseEvent.Type.ROTATED), events.stream().map(LeaseEvent::type).toList());
      assertNotEquals(firstLease, credential.lease().id());
      String newUser = credential.field("username").copyUtf8String();
      assertEquals(
          newUser, DynamicDb.currentUser(newUser, credential.field("password").copyUtf8String()));
      assertTrue(db.leaseKnown(credential.lease().id()));
      assertEquals("v2", room.secret(name).copyUtf8String());
      List<String> after = VaultServers.roleAccessors(root, role);
      assertEquals(1, after.size());
      assertNotEquals(before.get(0), after.get(0));
      System.out.printf(
          "[VaultRoomTokenDeathIT] lease re-established %d ms after the call that logged in"
              + " again%n",
          reestablished.toMillis());
    }
    assertEquals(List.of(), db.listedLeases(), "leases left after close");
    assertEquals(List.of(), VaultServers.roleAccessors(root, role), "token left after close");
    root.http().send("DELETE", "secret/metadata/" + name, null);
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static boolean eventually(Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (check.ok()) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return check.ok();
  }
}
