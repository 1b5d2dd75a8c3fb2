package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.testkit.MutableClock;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What audit records name as the principal (issue 12): the backend's authenticated identity where
 * it has one, the configured name beside it marked as claimed, and "unverified" when the backend
 * cannot say at build time.
 */
class PrincipalIdentityTest {
  private final MutableClock clock = MutableClock.create();

  /** A memory backend that reports {@code identity}. */
  private Backend withIdentity(Supplier<Optional<String>> identity) {
    MemoryBackend memory = MemoryBackend.create(clock);
    return new Backend() {
      @Override
      public SecretStore secrets() {
        return memory.secrets();
      }

      @Override
      public KeyEncryptionService keys() {
        return memory.keys();
      }

      @Override
      public Optional<String> identity() {
        return identity.get();
      }

      @Override
      public void close() {
        memory.close();
      }
    };
  }

  private String principalOfAPut(Backend backend, String claimed) {
    RecordingSink sink = new RecordingSink();
    Strongroom.Builder builder =
        Strongroom.builder().backend(backend).clock(clock).executor(Runnable::run).audit(sink);
    if (claimed != null) {
      builder.principal(claimed);
    }
    try (Strongroom room = builder.build()) {
      room.put("db/password", SecretValue.ofUtf8("v"));
    }
    String principal = sink.events.get(sink.events.size() - 1).principal();
    sink.events.forEach(e -> assertEquals(principal, e.principal()));
    return principal;
  }

  @Test
  void identity_isRecorded_withTheClaimedNameBesideIt() {
    Backend vaultLike = withIdentity(() -> Optional.of("vault:entity/1234"));
    assertEquals(
        "vault:entity/1234 as cli:alice (claimed)",
        principalOfAPut(vaultLike, "cli:alice (claimed)"));
    assertEquals(
        "vault:entity/1234 as billing (claimed)",
        principalOfAPut(withIdentity(() -> Optional.of("vault:entity/1234")), "billing"));
    assertEquals(
        "aws:arn:aws:iam::1:user/x",
        principalOfAPut(withIdentity(() -> Optional.of("aws:arn:aws:iam::1:user/x")), null));
  }

  @Test
  void noIdentity_recordsTheClaimedName_asBefore() {
    assertEquals("billing", principalOfAPut(withIdentity(Optional::empty), "billing"));
    assertEquals("anonymous", principalOfAPut(withIdentity(Optional::empty), null));
  }

  @Test
  void identityUnavailable_recordsUnverified_andTheRoomStillOpens() {
    Backend down =
        withIdentity(
            () -> {
              throw new BackendUnavailableException("sts down");
            });
    assertEquals("unverified as billing (claimed)", principalOfAPut(down, "billing"));
  }
}
