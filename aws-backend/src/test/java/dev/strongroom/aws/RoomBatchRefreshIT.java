package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.observe.RoomObserver;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.testkit.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A room on Secrets Manager (moto) refreshes secrets due together with BatchGetSecretValue, up to
 * 20 per request, each request taking one token of the room's budget (issue 18).
 */
class RoomBatchRefreshIT {
  private static final Duration REFRESH = Duration.ofMinutes(1);
  private static final int SECRETS = 25;

  @Test
  void dueSecrets_refreshedInBatchesOf20_oneTokenEach() {
    String ns = MotoServers.namespace();
    MutableClock clock = MutableClock.create();
    Map<String, Integer> calls = new ConcurrentHashMap<>();
    RoomObserver observer =
        new RoomObserver() {
          @Override
          public void backendCall(
              String operation, Duration latency, Class<? extends Throwable> error) {
            calls.merge(
                operation + (error == null ? "" : " " + error.getSimpleName()), 1, Integer::sum);
          }
        };
    try (Backend other = MotoServers.open(ns);
        Strongroom room =
            Strongroom.builder()
                .backend(MotoServers.open(ns))
                .clock(clock)
                .refreshAfter(REFRESH)
                .requestBudget(1.0 / 30) // one background request every 30 s
                .executor(Runnable::run)
                .observer(observer)
                .build()) {
      for (int i = 0; i < SECRETS; i++) {
        write(other, "b/" + i, "v1");
      }
      for (int i = 0; i < SECRETS; i++) {
        assertEquals("v1", room.secret("b/" + i).copyUtf8String()); // 25 cold single reads
      }
      // 25 cold single reads, and the room's one read of its check-out-only mark
      assertEquals(Map.of("read", SECRETS + 1), calls);
      for (int i = 0; i < SECRETS; i++) {
        write(other, "b/" + i, "v2");
      }
      calls.clear();

      // the cold loads left a debt of 25 tokens: 750 s at 1/30 per s; then one batch of 20,
      // and 30 s later (the next token) one of 5
      clock.advance(Duration.ofSeconds(780));
      room.secret("b/0").wipe(); // starts the refresh: one batch of 20
      assertEquals(Map.of("readAll", 1), calls);
      clock.advance(Duration.ofSeconds(31));
      room.secret("b/0").wipe(); // the next token: the other 5
      assertEquals(Map.of("readAll", 2), calls);
      for (int i = 0; i < SECRETS; i++) {
        assertEquals("v2", room.secret("b/" + i).copyUtf8String(), "b/" + i);
      }
      assertEquals(Map.of("readAll", 2), calls);
    }
  }

  private static void write(Backend backend, String name, String value) {
    backend
        .secrets()
        .write(
            new WriteRequest(
                name, SecretValue.ofUtf8(value), Stage.CURRENT, WriteRequest.ANY_VERSION));
  }
}
