package dev.strongroom.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.OpenRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.WriteRequest;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file backend reads its passphrase through the {@link OpenRequest} (issue 15): from a
 * credential the application supplies, or from the request's environment, never from the process's,
 * which holds no passphrase here.
 */
class FileOpenRequestTest {
  private static final String PASSPHRASE_ENV =
      "STRONGROOM_TEST_PASSPHRASE_" + ProcessHandle.current().pid();
  @TempDir Path dir;

  private URI uri(String extra) {
    return URI.create(dir.resolve("store").toUri() + "?passphraseEnv=" + PASSPHRASE_ENV + extra);
  }

  @Test
  void passphrase_fromASuppliedCredential_orTheRequestsEnvironment_neverTheProcess() {
    assertEquals(null, System.getenv(PASSPHRASE_ENV), "the process has no passphrase");
    AtomicInteger asked = new AtomicInteger();
    OpenRequest create =
        OpenRequest.builder(uri("&create=true"))
            .environment(Map.of())
            .credential(
                PASSPHRASE_ENV,
                () -> {
                  asked.incrementAndGet();
                  return SecretValue.ofUtf8("correct horse battery staple");
                })
            .build();
    assertFalse(create.toString().contains("horse"), create.toString());
    try (Backend backend = new FileBackendProvider().open(create)) {
      backend
          .secrets()
          .write(
              new WriteRequest(
                  "db/password",
                  SecretValue.ofUtf8("s3cret"),
                  dev.strongroom.Stage.CURRENT,
                  WriteRequest.ANY_VERSION));
    }
    assertEquals(1, asked.get(), "the supplier is asked when the backend reads the variable");

    OpenRequest wrong =
        OpenRequest.builder(uri(""))
            .environment(Map.of(PASSPHRASE_ENV, "wrong passphrase!!"))
            .build();
    assertThrows(AccessDeniedException.class, () -> new FileBackendProvider().open(wrong));

    OpenRequest right =
        OpenRequest.builder(uri(""))
            .environment(Map.of(PASSPHRASE_ENV, "correct horse battery staple"))
            .build();
    try (Backend backend = new FileBackendProvider().open(right)) {
      assertEquals(
          "s3cret",
          backend
              .secrets()
              .read(ReadRequest.current("db/password"))
              .orElseThrow()
              .value()
              .copyUtf8String());
    }
  }
}
