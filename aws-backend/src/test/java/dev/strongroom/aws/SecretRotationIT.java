package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.WriteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Two-phase rotation driven by the library, not a Lambda: write AWSPENDING from a rotator, verify
 * it, then move AWSCURRENT with a check on the version that was current. moto would also accept
 * RotateSecret without a Lambda; we never call it.
 */
class SecretRotationIT {
  private String ns;
  private Backend backend;
  private SecretStore store;
  private SecretsManagerClient raw;
  private final List<String> events = new ArrayList<>();

  @BeforeEach
  void open() {
    ns = MotoServers.namespace();
    backend = MotoServers.open(ns);
    store = backend.secrets();
    raw = MotoServers.rawSecrets(MotoServers.endpoint());
  }

  @AfterEach
  void close() {
    backend.close();
    raw.close();
  }

  /** The library's two phases, as the facade's rotator will drive them. */
  private SecretMetadata rotate(
      String name, Function<String, String> rotator, Predicate<String> verify) {
    SecretMetadata before = store.metadata(name);
    long current = before.withStage(Stage.CURRENT).orElseThrow().version();
    String old = store.read(ReadRequest.current(name)).orElseThrow().value().copyUtf8String();
    String next = rotator.apply(old);
    SecretVersion pending =
        store.write(
            new WriteRequest(
                name, SecretValue.ofUtf8(next), Stage.PENDING, before.latestVersion()));
    events.add("pending " + pending.version());
    String written =
        store.read(ReadRequest.stage(name, Stage.PENDING)).orElseThrow().value().copyUtf8String();
    if (!verify.test(written)) {
      events.add("verify failed");
      throw new IllegalStateException("verification of the pending version failed");
    }
    SecretMetadata after =
        store.moveStage(new MoveStageRequest(name, Stage.CURRENT, pending.version(), current));
    events.add("promoted " + pending.version());
    return after;
  }

  private String awsCurrentVersionId(String name) {
    // Always with an explicit stage: moto answers a stage-less read after
    // UpdateSecretVersionStage with a stale version.
    return raw.getSecretValue(b -> b.secretId(ns + "/" + name).versionStage("AWSCURRENT"))
        .versionId();
  }

  @Test
  void rotation_success_promotesPendingAndKeepsPrevious() {
    store.write(new WriteRequest("db", SecretValue.ofUtf8("pw-1"), Stage.CURRENT, 0));
    SecretMetadata after = rotate("db", old -> "pw-2", v -> v.equals("pw-2"));
    assertEquals(List.of("pending 2", "promoted 2"), events);
    assertEquals(Set.of(Stage.CURRENT), after.versions().get(1).stages());
    assertEquals(Set.of(Stage.PREVIOUS), after.versions().get(0).stages());
    assertEquals(
        "pw-2", store.read(ReadRequest.current("db")).orElseThrow().value().copyUtf8String());
    assertEquals(
        "pw-1",
        store.read(ReadRequest.stage("db", Stage.PREVIOUS)).orElseThrow().value().copyUtf8String());
    assertTrue(store.read(ReadRequest.stage("db", Stage.PENDING)).isEmpty());
    assertEquals("strongroom-v00000000000000000002", awsCurrentVersionId("db"));
  }

  @Test
  void rotation_failingVerification_leavesAwsCurrentIntact() {
    store.write(new WriteRequest("db", SecretValue.ofUtf8("pw-1"), Stage.CURRENT, 0));
    assertThrows(IllegalStateException.class, () -> rotate("db", old -> "bad", v -> false));
    assertEquals(List.of("pending 2", "verify failed"), events);
    assertEquals("strongroom-v00000000000000000001", awsCurrentVersionId("db"));
    assertEquals(
        "pw-1", store.read(ReadRequest.current("db")).orElseThrow().value().copyUtf8String());
    // The next rotation replaces the abandoned pending version and succeeds.
    rotate("db", old -> "pw-3", v -> v.equals("pw-3"));
    assertEquals("strongroom-v00000000000000000003", awsCurrentVersionId("db"));
  }

  @Test
  void rotation_failingRotator_writesNothing() {
    store.write(new WriteRequest("db", SecretValue.ofUtf8("pw-1"), Stage.CURRENT, 0));
    assertThrows(
        IllegalStateException.class,
        () ->
            rotate(
                "db",
                old -> {
                  throw new IllegalStateException("rotator failed");
                },
                v -> true));
    assertEquals(1, store.metadata("db").latestVersion());
    assertEquals("strongroom-v00000000000000000001", awsCurrentVersionId("db"));
  }

  @Test
  void moveStage_staleExpectedCurrent_conflictsAndLeavesCurrent() {
    store.write(new WriteRequest("db", SecretValue.ofUtf8("pw-1"), Stage.CURRENT, 0));
    store.write(new WriteRequest("db", SecretValue.ofUtf8("pw-2"), Stage.PENDING, 1));
    store.write(new WriteRequest("db", SecretValue.ofUtf8("pw-3"), Stage.CURRENT, 2));
    assertThrows(
        ConflictException.class,
        () -> store.moveStage(new MoveStageRequest("db", Stage.CURRENT, 2, 1)));
    assertEquals("strongroom-v00000000000000000003", awsCurrentVersionId("db"));
  }

  @Test
  void moveStage_pendingBetweenVersions_movesTheOneLabel() {
    store.write(new WriteRequest("db", SecretValue.ofUtf8("pw-1"), Stage.CURRENT, 0));
    store.write(new WriteRequest("db", SecretValue.ofUtf8("pw-2"), Stage.PENDING, 1));
    store.write(new WriteRequest("db", SecretValue.ofUtf8("pw-3"), Stage.PENDING, 2));
    SecretMetadata metadata = store.moveStage(new MoveStageRequest("db", Stage.PENDING, 2, 0));
    assertEquals(
        1, metadata.versions().stream().filter(v -> v.stages().contains(Stage.PENDING)).count());
    assertEquals(2, metadata.withStage(Stage.PENDING).orElseThrow().version());
    assertEquals(
        "pw-2",
        store.read(ReadRequest.stage("db", Stage.PENDING)).orElseThrow().value().copyUtf8String());
  }
}
