package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretRotator;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.spi.SecretVersion;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Secret rotation end to end through the room, over Secrets Manager on moto: the room drives the
 * two phases (AWSPENDING, apply, verify, UpdateSecretVersionStage), never a Lambda; listeners of
 * this room and of a second room (another service instance, with its own backend client, that only
 * polls) are told the new value; a failing rotator leaves AWSCURRENT where it was. AWSCURRENT is
 * always read back from Secrets Manager with an explicit VersionStage: moto answers a stage-less
 * GetSecretValue after UpdateSecretVersionStage with the old version.
 */
class RoomRotationIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private String ns;
  private Strongroom room;
  private Strongroom other;
  private SecretsManagerClient raw;

  /** A listener's view of a change: name, version and a copy of the value. */
  private record Change(String name, long version, String value) {}

  @BeforeEach
  void open() {
    ns = MotoServers.namespace();
    room = room();
    other = room();
    raw = MotoServers.rawSecrets(MotoServers.endpoint());
  }

  /** A room on the shared moto with the real clock and a short refresh period. */
  private Strongroom room() {
    return Strongroom.builder()
        .backend(MotoServers.open(ns))
        .refreshAfter(Duration.ofMillis(200))
        .maxStaleness(Duration.ofMinutes(5))
        .build();
  }

  @AfterEach
  void close() {
    room.close();
    other.close();
    raw.close();
  }

  private static BlockingQueue<Change> watch(Strongroom room, String name) {
    BlockingQueue<Change> changes = new LinkedBlockingQueue<>();
    room.onChange(name, (n, v, value) -> changes.add(new Change(n, v, value.copyUtf8String())));
    return changes;
  }

  private static Change next(BlockingQueue<Change> changes) throws InterruptedException {
    Change change = changes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertTrue(change != null, "no change delivered within " + WAIT);
    return change;
  }

  private GetSecretValueResponse awsStage(String name, String stage) {
    return raw.getSecretValue(b -> b.secretId(ns + "/" + name).versionStage(stage));
  }

  private static SecretRotator rotator(String next) {
    return current -> SecretValue.ofUtf8(next);
  }

  @Test
  void rotate_throughRoom_promotesPendingAndTellsListenersOfBothRooms() throws Exception {
    room.put("db/password", SecretValue.ofUtf8("pw-1"));
    assertEquals("pw-1", other.secret("db/password").copyUtf8String()); // cached by the other
    BlockingQueue<Change> here = watch(room, "db/password");
    BlockingQueue<Change> there = watch(other, "db/password");
    room.secret("db/password");

    List<String> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
    SecretVersion promoted =
        room.rotate(
            "db/password",
            new SecretRotator() {
              @Override
              public SecretValue generate(SecretValue current) {
                steps.add("generate from " + current.copyUtf8String());
                return SecretValue.ofUtf8("pw-2");
              }

              @Override
              public void apply(SecretValue pending) {
                // AWSPENDING exists in Secrets Manager while the rotator applies it.
                steps.add("apply, AWSPENDING=" + awsStage("db/password", "AWSPENDING").versionId());
              }

              @Override
              public boolean verify(SecretValue pending) {
                steps.add("verify " + pending.copyUtf8String());
                return true;
              }
            });

    assertEquals(2, promoted.version());
    assertEquals(
        List.of(
            "generate from pw-1",
            "apply, AWSPENDING=strongroom-v00000000000000000002",
            "verify pw-2"),
        steps);
    assertEquals(new Change("db/password", 2, "pw-2"), next(here)); // told by the write-through
    assertEquals(new Change("db/password", 2, "pw-2"), next(there)); // told by its refresh
    assertEquals("pw-2", other.secret("db/password").copyUtf8String());
    GetSecretValueResponse current = awsStage("db/password", "AWSCURRENT");
    assertEquals("strongroom-v00000000000000000002", current.versionId());
    assertEquals("pw-2", current.secretString());
    assertEquals(
        "strongroom-v00000000000000000001", awsStage("db/password", "AWSPREVIOUS").versionId());
    assertEquals(
        List.of("AWSCURRENT"),
        raw.listSecretVersionIds(b -> b.secretId(ns + "/db/password")).versions().stream()
            .filter(v -> v.versionId().endsWith("2"))
            .findFirst()
            .orElseThrow()
            .versionStages()); // AWSPENDING removed on promotion
  }

  @Test
  void rotate_failingApplyOrVerify_leavesAwsCurrentIntactAndListenersSilent() throws Exception {
    room.put("api/token", SecretValue.ofUtf8("token-1"));
    BlockingQueue<Change> there = watch(other, "api/token");
    assertEquals("token-1", other.secret("api/token").copyUtf8String());

    StrongroomException applyFailed =
        assertThrows(
            StrongroomException.class,
            () ->
                room.rotate(
                    "api/token",
                    new SecretRotator() {
                      @Override
                      public SecretValue generate(SecretValue current) {
                        return SecretValue.ofUtf8("token-2");
                      }

                      @Override
                      public void apply(SecretValue pending) {
                        throw new IllegalStateException("database refused the new password");
                      }
                    }));
    assertTrue(applyFailed.getMessage().contains("failed at step apply"), applyFailed.getMessage());
    assertInstanceOf(IllegalStateException.class, applyFailed.getCause());

    StrongroomException verifyFailed =
        assertThrows(
            StrongroomException.class,
            () ->
                room.rotate(
                    "api/token",
                    new SecretRotator() {
                      @Override
                      public SecretValue generate(SecretValue current) {
                        return SecretValue.ofUtf8("token-3");
                      }

                      @Override
                      public boolean verify(SecretValue pending) {
                        return false;
                      }
                    }));
    assertTrue(
        verifyFailed.getMessage().contains("failed at step verify"), verifyFailed.getMessage());

    GetSecretValueResponse current = awsStage("api/token", "AWSCURRENT");
    assertEquals("strongroom-v00000000000000000001", current.versionId());
    assertEquals("token-1", current.secretString());
    GetSecretValueResponse pending = awsStage("api/token", "AWSPENDING");
    assertEquals("strongroom-v00000000000000000003", pending.versionId()); // kept for inspection
    assertEquals("token-1", room.secret("api/token").copyUtf8String());

    // A successful rotation after the failures is the first change the other room hears of.
    room.rotate("api/token", rotator("token-4"));
    assertEquals(new Change("api/token", 4, "token-4"), next(there));
    assertEquals("token-4", awsStage("api/token", "AWSCURRENT").secretString());
  }
}
