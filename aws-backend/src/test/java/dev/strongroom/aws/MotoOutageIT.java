package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A private moto server killed mid-run: calls fail with a clear BackendUnavailableException (after
 * the configured retries, within the call deadline), then work again once it is back. moto keeps
 * its state in memory, so the restarted server is empty. Serving stale values meanwhile is the
 * facade cache's job, tested there.
 */
class MotoOutageIT {
  private static final byte[] AAD = {1};

  @Test
  void killedMidRun_failsClearly_thenRecoversAfterRestart() throws Exception {
    try (MotoServers.PrivateMoto moto = MotoServers.PrivateMoto.start();
        Backend backend =
            MotoServers.open(
                MotoServers.uri(
                    moto.endpoint(), MotoServers.namespace(), "maxAttempts=2&timeoutSeconds=10"))) {
      var store = backend.secrets();
      var keys = backend.keys();
      store.write(
          new dev.strongroom.spi.WriteRequest("db", SecretValue.ofUtf8("pw"), Stage.CURRENT, 0));
      keys.createKey("k");
      WrappedKey wrapped = keys.wrap(new WrapRequest("k", SecretValue.of(new byte[32]), AAD));

      moto.kill();

      BackendUnavailableException read =
          assertThrows(
              BackendUnavailableException.class, () -> store.read(ReadRequest.current("db")));
      assertEquals(
          "AWS Secrets Manager GetSecretValue for 'db' failed: the service could not be reached",
          read.getMessage());
      assertTrue(read.getCause().getMessage().contains("SdkClientException"));
      assertThrows(
          BackendUnavailableException.class,
          () ->
              store.write(
                  new dev.strongroom.spi.WriteRequest(
                      "db", SecretValue.ofUtf8("pw2"), Stage.CURRENT, 1)));
      assertThrows(
          BackendUnavailableException.class,
          () -> keys.unwrap(new UnwrapRequest("k", wrapped.wrapped(), AAD)));
      assertThrows(BackendUnavailableException.class, () -> store.list(""));

      moto.restart();

      assertEquals(Optional.empty(), store.read(ReadRequest.current("db"))); // moto forgot it
      store.write(
          new dev.strongroom.spi.WriteRequest("db", SecretValue.ofUtf8("pw3"), Stage.CURRENT, 0));
      assertEquals(
          "pw3", store.read(ReadRequest.current("db")).orElseThrow().value().copyUtf8String());
      keys.createKey("k");
      WrappedKey again = keys.wrap(new WrapRequest("k", SecretValue.of(new byte[32]), AAD));
      assertFalse(keys.unwrap(new UnwrapRequest("k", again.wrapped(), AAD)).isWiped());
    }
  }
}
