package dev.strongroom.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditEvent.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AuditEventTest {
  static {
    // slf4j-simple reads a logger's level when the logger is first created: set TRACE before.
    System.setProperty("org.slf4j.simpleLogger.log.strongroom.audit", "trace");
    System.setProperty("org.slf4j.simpleLogger.log.dev.strongroom.audit", "trace");
  }

  private static final String CANARY = "CANARY-audit-5c1d";

  @Test
  void auditEvent_hasNoFieldThatCouldHoldAValue() {
    Set<Class<?>> allowed = Set.of(Instant.class, String.class, long.class, Outcome.class);

    RecordComponent[] components = AuditEvent.class.getRecordComponents();

    for (RecordComponent component : components) {
      assertTrue(allowed.contains(component.getType()), component.toString());
      assertFalse(component.getName().matches("(?i).*(value|secret|plaintext|bytes).*"));
    }
    assertEquals(
        Set.of("time", "principal", "operation", "resource", "version", "outcome", "detail"),
        Arrays.stream(components).map(RecordComponent::getName).collect(Collectors.toSet()));
    assertFalse(
        Arrays.stream(AuditEvent.class.getDeclaredFields())
            .anyMatch(f -> f.getType() == SecretValue.class));
  }

  @Test
  void auditEvent_negativeVersion_rejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new AuditEvent(Instant.EPOCH, "p", "read", "r", -1, Outcome.OK, ""));
  }

  @Test
  void slf4jSink_atTrace_logsTheEventButNothingSecret() {
    SecretValue secret = SecretValue.ofUtf8(CANARY);
    AuditEvent event =
        new AuditEvent(
            Instant.parse("2025-01-01T00:00:00Z"),
            "billing-svc",
            "read",
            "db/password",
            7,
            Outcome.OK,
            "served from cache; " + secret);
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (AuditSink sink = AuditSinks.slf4j()) {
      sink.record(event);
    } finally {
      System.setErr(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);

    assertTrue(out.contains("strongroom.audit"), out);
    assertTrue(
        out.contains("db/password") && out.contains("billing-svc") && out.contains("v7"), out);
    assertFalse(out.contains(CANARY), out);
  }
}
