package app;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.audit.AuditVerifier;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.envelope.Kek;
import dev.strongroom.kek.LocalKeyring;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/** A consumer of Strongroom's public API; prints one line per check and exits 0 when all pass. */
public final class Main {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    byte[] keyBytes = new byte[32];
    new SecureRandom().nextBytes(keyBytes);
    SecretValue auditKey = SecretValue.of(keyBytes);
    Path auditLog = dir.resolve("audit.jsonl");
    byte[] data = "alice@example.com".getBytes(StandardCharsets.UTF_8);

    // memory: backend (core's ServiceLoader provider), secret cache (Caffeine), audit (Jackson).
    try (Strongroom room =
        Strongroom.builder()
            .uri("memory:")
            .principal("consumer")
            .audit(AuditSinks.jsonLines(auditLog, auditKey))
            .build()) {
      room.put("db/password", SecretValue.of("correct horse".toCharArray()));
      check("memory put/get", "correct horse".equals(room.secret("db/password").copyUtf8String()));
      EncryptionContext context = EncryptionContext.of("table", "users");
      byte[] ciphertext = room.encrypt(data, context);
      check("memory encrypt/decrypt", Arrays.equals(data, room.decrypt(ciphertext, context)));
    }
    check("audit verify", AuditVerifier.verify(auditLog, auditKey).ok());

    // Envelope encryption with a Tink keyring.
    LocalKeyring keyring = LocalKeyring.inMemory();
    keyring.createKey("orders");
    Envelope envelope = Envelope.of(Kek.of(keyring, "orders"));
    EncryptionContext orders = EncryptionContext.of("table", "orders");
    check("envelope", Arrays.equals(data, envelope.decrypt(envelope.encrypt(data, orders), orders)));

    // file: backend (file module's ServiceLoader provider; Argon2id from Bouncy Castle).
    Path store = Files.createDirectories(dir.resolve("store"));
    String uri = store.toUri() + "?passphraseEnv=CONSUMER_PASSPHRASE&create=true";
    try (Strongroom room = Strongroom.builder().uri(uri).principal("consumer").build()) {
      room.put("api/token", SecretValue.of("s3cret-token".toCharArray()));
      check("file put/get", "s3cret-token".equals(room.secret("api/token").copyUtf8String()));
    }

    // On the module path an internal package must stay closed, even to reflection.
    Module module = Main.class.getModule();
    if (module.isNamed()) {
      try {
        Class.forName("dev.strongroom.internal.memory.MemoryBackendProvider")
            .getConstructor()
            .newInstance();
        check("internal closed", false);
      } catch (IllegalAccessException expected) {
        check("internal closed", true);
      }
    }
    System.out.println("mode " + (module.isNamed() ? "module " + module.getName() : "classpath"));
    System.out.println("core " + Strongroom.class.getModule());
  }

  private static void check(String what, boolean ok) {
    if (!ok) {
      throw new AssertionError("failed: " + what);
    }
    System.out.println("ok " + what);
  }
}
