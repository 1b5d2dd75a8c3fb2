package dev.strongroom.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretRef;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.apikey.IssueRequest;
import dev.strongroom.apikey.IssuedKey;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.spi.Backend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Key retirement (issue 13 item 8) on any backend: retiring old versions of a KEK first rewraps
 * what the room sealed under them, resumes after a kill from its checkpoint, and refuses, naming
 * how many values and where, while anything still needs an old version. A backend's test extends
 * this class and implements {@link #newBackend()} (a client of one store per test, as a second
 * process would open).
 */
public abstract class RetirementContract {
  /** The rooms' clock. */
  protected final MutableClock clock = MutableClock.at(java.time.Instant.now());

  private final List<Strongroom> rooms = new ArrayList<>();
  private final String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);

  /** A new client of this test's store. */
  protected abstract Backend newBackend();

  /**
   * Whether this store rewrites a stored version in place (it implements {@code RewritableStore}),
   * so that retiring a tenant key rewraps tenant secrets instead of refusing.
   */
  protected boolean rewritesInPlace() {
    return false;
  }

  @AfterEach
  void closeRooms() {
    rooms.forEach(Strongroom::close);
  }

  /** A new room over {@link #newBackend()} on the test clock, with its default key created. */
  protected Strongroom newRoom() {
    Strongroom room =
        Strongroom.builder().backend(newBackend()).clock(clock).executor(Runnable::run).build();
    rooms.add(room);
    try {
      room.keys().create("default");
    } catch (ConflictException exists) {
      // made by the store's init or an earlier room
    }
    return room;
  }

  private static SecretValue text(String s) {
    return SecretValue.of(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String read(SecretValue value) {
    try (value) {
      return new String(value.copyBytes(), StandardCharsets.UTF_8);
    }
  }

  private static IssuedKey issue(Strongroom room) {
    return room.apiKeys().issue(IssueRequest.builder("retire").owner("retire").build());
  }

  @Test
  void retireDefault_checkoutLeaseAndCheckoutOnlyMark_stillOpen() {
    Strongroom a = newRoom();
    a.put("app/admin", text("s3cret"));
    a.checkouts().requireCheckout("app/admin", true);
    dev.strongroom.lease.Checkout lease =
        a.checkouts()
            .checkout("app/admin", java.time.Duration.ofHours(1), java.time.Duration.ofHours(2));
    int target = a.keys().rotate("default").primaryVersion();

    a.keys().retire("default", target, (done, total, where, rewrapped) -> {});

    Strongroom b = newRoom();
    assertEquals(target, b.keys().describe("default").minDecryptionVersion());
    assertEquals("s3cret", read(b.checkouts().read(lease.id())));
    assertEquals(java.util.Set.of("app/admin"), b.checkouts().checkoutOnly());
    assertThrows(dev.strongroom.exception.AccessDeniedException.class, () -> b.secret("app/admin"));
  }

  @Test
  void retireDefault_afterAKillMidway_resumesAndEverythingStillReads() {
    Strongroom a = newRoom();
    a.put("app/db", text("one"));
    a.put("app/db", text("two"));
    IssuedKey before = issue(a);
    Strongroom t = a.tenant(tenant);
    t.keys().create("default");
    t.put("cfg", text("tenant-one"));
    int old = a.keys().describe("default").primaryVersion();
    int target = a.keys().rotate("default").primaryVersion();
    a.put("app/db", text("three"));
    a.put("app/other", text("other"));
    IssuedKey after = issue(a);
    t.put("cfg", text("tenant-two"));

    List<Long> firstRun = new ArrayList<>();
    RuntimeException kill =
        assertThrows(
            RuntimeException.class,
            () ->
                a.keys()
                    .retire(
                        "default",
                        target,
                        (done, total, where, rewrapped) -> {
                          firstRun.add(done);
                          if (firstRun.size() == Math.min(2, total)) {
                            throw new IllegalStateException("killed midway");
                          }
                        }));
    assertEquals("killed midway", kill.getMessage());
    assertEquals(old, newRoom().keys().describe("default").minDecryptionVersion());

    Strongroom b = newRoom();
    List<Long> resumed = new ArrayList<>();
    b.keys().retire("default", target, (done, total, where, rewrapped) -> resumed.add(done));
    long killedAt = firstRun.get(firstRun.size() - 1);
    assertTrue(resumed.stream().allMatch(d -> d > killedAt), "resumed at " + resumed);
    assertEquals(target, b.keys().describe("default").minDecryptionVersion());

    Strongroom c = newRoom();
    assertEquals("one", read(c.secret(SecretRef.ofVersion("app/db", 1))));
    assertEquals("two", read(c.secret(SecretRef.ofVersion("app/db", 2))));
    assertEquals("three", read(c.secret("app/db")));
    assertEquals("other", read(c.secret("app/other")));
    assertTrue(c.apiKeys().verify(before.key().copyChars()).valid());
    assertTrue(c.apiKeys().verify(after.key().copyChars()).valid());
    Strongroom ct = c.tenant(tenant);
    assertEquals("tenant-two", read(ct.secret("cfg")));
    assertEquals("tenant-one", read(ct.secret(SecretRef.ofVersion("cfg", 1))));
    c.put("app/new", text("new"));
    assertEquals("new", read(newRoom().secret("app/new")));
  }

  @Test
  void retireTenantKey_withValuesStillSealedUnderAnOldVersion_rewrapsOrRefusesSayingWhere() {
    Strongroom a = newRoom();
    Strongroom t = a.tenant(tenant);
    t.keys().create("default");
    t.put("cfg", text("v1"));
    t.put("cfg", text("v2"));
    t.keys().rotate("default");

    if (rewritesInPlace()) {
      t.keys().retire("default", 2, (d, n, w, r) -> {});
      assertEquals(2, newRoom().tenant(tenant).keys().describe("default").minDecryptionVersion());
    } else {
      ConflictException refused =
          assertThrows(
              ConflictException.class, () -> t.keys().retire("default", 2, (d, n, w, r) -> {}));
      assertTrue(refused.getMessage().contains("2 stored value(s)"), refused.getMessage());
      assertTrue(refused.getMessage().contains("tenants/" + tenant + "/cfg"), refused.getMessage());
      assertEquals(1, t.keys().describe("default").minDecryptionVersion());
    }
    Strongroom b = newRoom().tenant(tenant);
    assertEquals("v2", read(b.secret("cfg")));
    assertEquals("v1", read(b.secret(SecretRef.ofVersion("cfg", 1))));
  }

  @Test
  void setMinDecryptionVersion_afterRotate_secretsApiKeysAndTenantSecretsStillRead() {
    Strongroom a = newRoom();
    a.put("plain", text("before"));
    IssuedKey key = issue(a);
    Strongroom t = a.tenant(tenant);
    t.keys().create("default");
    t.put("cfg", text("tenant"));
    int target = a.keys().rotate("default").primaryVersion();

    a.keys().setMinDecryptionVersion("default", target);

    Strongroom b = newRoom();
    assertEquals(target, b.keys().describe("default").minDecryptionVersion());
    assertEquals("before", read(b.secret("plain")));
    assertTrue(b.apiKeys().verify(key.key().copyChars()).valid());
    assertEquals("tenant", read(b.tenant(tenant).secret("cfg")));
  }
}
