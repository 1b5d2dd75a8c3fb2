package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The audit principal is the identity OpenBao authenticated the room as (issue 12), checked against
 * the bao CLI's own {@code token lookup}: the token's accessor for the dev root token.
 */
class VaultIdentityIT {
  @Test
  void auditPrincipal_isTheTokensIdentity_asBaoSeesIt_withTheClaimedNameBeside() throws Exception {
    JsonNode lookup =
        new ObjectMapper().readTree(BaoCli.text("token", "lookup", "-format=json")).path("data");
    String entity = lookup.path("entity_id").asText("");
    String expected =
        entity.isEmpty()
            ? "vault:token-accessor/" + lookup.path("accessor").asText()
            : "vault:entity/" + entity;
    assertTrue(expected.length() > "vault:token-accessor/".length(), lookup.toString());

    List<AuditEvent> events = new CopyOnWriteArrayList<>();
    AuditSink sink =
        new AuditSink() {
          @Override
          public void record(AuditEvent event) {
            events.add(event);
          }

          @Override
          public void close() {}
        };
    String name = VaultServers.unique("identity");
    try (Strongroom room =
        Strongroom.builder()
            .backend(VaultServers.devBackend())
            .principal("cli:alice (claimed)")
            .audit(sink)
            .executor(Runnable::run)
            .build()) {
      room.put(name, SecretValue.ofUtf8("v"));
      room.secret(name).wipe();
      room.destroy(name);
    }
    assertTrue(events.size() >= 3, events.toString());
    for (AuditEvent e : events) {
      assertEquals(expected + " as cli:alice (claimed)", e.principal(), e.toString());
    }
  }
}
