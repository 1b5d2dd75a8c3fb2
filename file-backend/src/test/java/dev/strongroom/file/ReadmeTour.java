package dev.strongroom.file;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.apikey.ApiKeys;
import dev.strongroom.apikey.IssueRequest;
import dev.strongroom.apikey.IssuedKey;
import dev.strongroom.envelope.EncryptionContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The README's API tour; README.md shows this file's imports and the body of {@link #tour}. */
final class ReadmeTour {
  private ReadmeTour() {}

  static String tour(Path home) throws Exception {
    // --- README tour: begin ---
    // A new file store: create=true on the first open only. The master key file holds 32 random
    // bytes in base64 (or name a passphrase variable: passphraseEnv=STRONGROOM_PASSPHRASE).
    String uri = "file:" + home.resolve("store") + "?masterKeyFile=" + home.resolve("master.key");
    try (Strongroom room = Strongroom.open(uri + "&create=true")) {
      // Move an env file's secrets in: DB_PASSWORD=... becomes the secret db/password. Then set
      // DB_PASSWORD=strongroom:db/password, and room.resolveEnvironment() reads it at start-up.
      room.importEnv(home.resolve("legacy.env"));

      // Hear about every new version, whoever writes it (another process on the same store too).
      BlockingQueue<Long> versions = new LinkedBlockingQueue<>();
      Strongroom.Registration watch =
          room.onChange("db/password", (name, version, value) -> versions.add(version));
      // Rotate: generate, write as PENDING, apply and verify (here the defaults), promote.
      room.rotate("db/password", current -> SecretValue.ofUtf8(randomPassword()));
      if (versions.poll(10, TimeUnit.SECONDS) == null) {
        throw new IllegalStateException("the rotation was not heard");
      }
      watch.close();

      // Envelope-encrypt a file of any size in constant memory, and back.
      EncryptionContext context = EncryptionContext.of("file", "report.bin");
      try (InputStream in = Files.newInputStream(home.resolve("report.bin"));
          OutputStream out =
              room.encryptingStream(
                  Files.newOutputStream(home.resolve("report.sealed")), context)) {
        in.transferTo(out);
      }
      try (InputStream in =
              room.decryptingStream(Files.newInputStream(home.resolve("report.sealed")), context);
          OutputStream out = Files.newOutputStream(home.resolve("report.opened"))) {
        in.transferTo(out);
      }

      // API keys for your own clients: issue (the key is shown once), verify, revoke.
      ApiKeys keys = room.apiKeys();
      IssuedKey issued = keys.issue(IssueRequest.builder("live").owner("ci-deployer").build());
      char[] presented = issued.key().copyChars();
      System.out.println(keys.verify(presented).outcome()); // VALID
      keys.revoke(issued.id());
      System.out.println(keys.verify(presented).outcome()); // REVOKED
    }
    // --- README tour: end ---
    return "file:" + home.resolve("store") + "?masterKeyFile=" + home.resolve("master.key");
  }

  private static String randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
