package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.exception.StrongroomException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.MutableClock;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 16: the dual-credential overlap rotator never leaves a held credential refused. */
class DualCredentialRotatorTest {
  /** A system that accepts at most two tokens and refuses to issue a third. */
  static final class TwoSlots implements DualCredentialRotator.Credentials {
    final Set<String> valid = new LinkedHashSet<>();
    int issued;
    boolean refuseVerify;
    boolean revokeFails;

    TwoSlots(String first) {
      valid.add(first);
    }

    @Override
    public SecretValue issue(SecretValue current) {
      if (valid.size() >= 2) {
        throw new IllegalStateException("both slots in use");
      }
      String token = "tok-" + (++issued);
      valid.add(token);
      return SecretValue.ofUtf8(token);
    }

    @Override
    public void revoke(SecretValue credential) {
      if (revokeFails) {
        throw new IllegalStateException("token service down");
      }
      valid.remove(credential.copyUtf8String());
    }

    @Override
    public boolean verify(SecretValue credential) {
      return !refuseVerify && valid.contains(credential.copyUtf8String());
    }
  }

  private final Strongroom room =
      Strongroom.builder()
          .backend(MemoryBackend.create(MutableClock.create()))
          .executor(Runnable::run)
          .build();

  @AfterEach
  void close() {
    room.close();
  }

  private String current() {
    try (SecretValue v = room.secret("svc/token")) {
      return v.copyUtf8String();
    }
  }

  @Test
  void everyRotation_keepsCurrentAndTheOneBefore_valid_andRevokesOlder() {
    room.put("svc/token", SecretValue.ofUtf8("tok-0"));
    TwoSlots slots = new TwoSlots("tok-0");
    DualCredentialRotator rotator = DualCredentialRotator.of(room, "svc/token", slots);

    String held = current(); // an instance that never refreshes
    room.rotate("svc/token", rotator);
    assertEquals(Set.of("tok-0", "tok-1"), slots.valid);
    assertTrue(slots.valid.contains(held), "the held credential survives one rotation");
    assertEquals("tok-1", current());

    for (int i = 2; i <= 5; i++) {
      String before = current();
      room.rotate("svc/token", rotator);
      assertEquals(Set.of(before, "tok-" + i), slots.valid);
      assertEquals("tok-" + i, current());
    }
  }

  @Test
  void verifyFails_newCredentialRevoked_currentUntouched() {
    room.put("svc/token", SecretValue.ofUtf8("tok-0"));
    TwoSlots slots = new TwoSlots("tok-0");
    DualCredentialRotator rotator = DualCredentialRotator.of(room, "svc/token", slots);
    room.rotate("svc/token", rotator);
    slots.refuseVerify = true;

    assertThrows(StrongroomException.class, () -> room.rotate("svc/token", rotator));

    assertEquals("tok-1", current());
    assertEquals(Set.of("tok-1"), slots.valid); // tok-0 revoked first, tok-2 revoked at once
    slots.refuseVerify = false;
    room.rotate("svc/token", rotator); // the next rotation still works
    assertEquals(Set.of("tok-1", "tok-3"), slots.valid);
  }

  @Test
  void revokeFails_nothingIssued_currentUntouched() {
    room.put("svc/token", SecretValue.ofUtf8("tok-0"));
    TwoSlots slots = new TwoSlots("tok-0");
    DualCredentialRotator rotator = DualCredentialRotator.of(room, "svc/token", slots);
    room.rotate("svc/token", rotator);
    slots.revokeFails = true;

    assertThrows(StrongroomException.class, () -> room.rotate("svc/token", rotator));

    assertEquals("tok-1", current());
    assertEquals(1, slots.issued);
    assertFalse(slots.valid.isEmpty());
  }
}
