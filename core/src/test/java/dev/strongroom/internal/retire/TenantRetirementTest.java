package dev.strongroom.internal.retire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strongroom.SecretRef;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 8 ("retirement that never loses data"), tenant-sealed secrets: retiring an old
 * version of a tenant's KEK must leave every tenant secret version readable, and retiring {@code
 * default} must not touch them.
 */
class TenantRetirementTest {
  private final MutableClock clock = MutableClock.create();
  private final MemoryBackend backend = MemoryBackend.create(clock);
  private final Strongroom room =
      Strongroom.builder().backend(backend).clock(clock).executor(Runnable::run).build();

  @AfterEach
  void close() {
    room.close();
  }

  private Strongroom acme() {
    Strongroom acme = room.tenant("acme");
    acme.keys().create("default");
    acme.put("db/password", SecretValue.ofUtf8("v1"));
    acme.put("db/password", SecretValue.ofUtf8("v2"));
    return acme;
  }

  @Test
  void retireDefault_tenantSecretsStillRead() {
    Strongroom acme = acme();
    int target = room.keys().rotate("default").primaryVersion();

    room.keys().retire("default", target, (done, total, where, rewrapped) -> {});

    assertEquals("v2", acme.secret("db/password").copyUtf8String());
    assertEquals("v1", acme.secret(SecretRef.ofVersion("db/password", 1)).copyUtf8String());
  }

  @Test
  void retireTenantKey_afterRotate_everyTenantVersionStillReads() {
    Strongroom acme = acme();
    int target = room.keys().rotate("tenant-acme").primaryVersion();

    room.keys().retire("tenant-acme", target, (done, total, where, rewrapped) -> {});

    assertEquals(target, room.keys().describe("tenant-acme").minDecryptionVersion());
    assertEquals("v2", acme.secret("db/password").copyUtf8String());
    assertEquals("v1", acme.secret(SecretRef.ofVersion("db/password", 1)).copyUtf8String());
  }
}
