package dev.strongroom.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.lease.Lease;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.LeasedSecret;
import dev.strongroom.spi.SecretStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health goes DOWN when a lease cannot be renewed (nor replaced) and back UP when the backend
 * answers again. The room's lease manager runs on its own thread with the system clock, so the test
 * waits on the health status with a bounded wait rather than a sleep.
 */
class LeaseHealthTest {

  /** Leases of 1.5 s that the test can make unrenewable and unacquirable. */
  static final class FlakyLeases implements LeaseProvider {
    volatile boolean failing;
    private final AtomicInteger issued = new AtomicInteger();

    @Override
    public LeasedSecret acquire(String path) {
      if (failing) {
        throw new BackendUnavailableException("leases unavailable");
      }
      Lease lease =
          new Lease(
              "lease-" + issued.incrementAndGet(),
              Duration.ofMillis(1500),
              Duration.ofHours(1),
              true,
              Clock.systemUTC().instant());
      return LeasedSecret.of(
          lease, Map.of("username", SecretValue.ofUtf8("u"), "password", SecretValue.ofUtf8("p")));
    }

    @Override
    public Lease renew(String leaseId, Duration increment) {
      if (failing) {
        throw new BackendUnavailableException("leases unavailable");
      }
      return new Lease(leaseId, increment, Duration.ofHours(1), true, Clock.systemUTC().instant());
    }

    @Override
    public void revoke(String leaseId) {}
  }

  static final FlakyLeases LEASES = new FlakyLeases();

  @Configuration(proxyBeanMethods = false)
  static class LeasingRoom {
    @Bean(destroyMethod = "close")
    Strongroom strongroom(RoomObservers observers) {
      Backend memory = MemoryBackend.create(Clock.systemUTC());
      Backend withLeases =
          new Backend() {
            @Override
            public SecretStore secrets() {
              return memory.secrets();
            }

            @Override
            public KeyEncryptionService keys() {
              return memory.keys();
            }

            @Override
            public Optional<LeaseProvider> leases() {
              return Optional.of(LEASES);
            }

            @Override
            public void close() {
              memory.close();
            }
          };
      return Strongroom.builder().backend(withLeases).observer(observers).build();
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void health_goesDownWhenALeaseCannotBeRenewed_andUpWhenItIs() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(StrongroomAutoConfiguration.class))
        .withUserConfiguration(LeasingRoom.class)
        .run(
            context -> {
              Strongroom room = context.getBean(Strongroom.class);
              StrongroomHealthIndicator health = context.getBean(StrongroomHealthIndicator.class);
              SimpleMeterRegistry meters = new SimpleMeterRegistry();
              context.getBean(StrongroomMetrics.class).bindTo(meters);
              room.lease("database/creds/app");
              assertEquals(Status.UP, health.health().getStatus());

              LEASES.failing = true;
              await("health DOWN", () -> health.health().getStatus().equals(Status.DOWN));
              assertTrue(
                  health
                      .health()
                      .getDetails()
                      .get("leases")
                      .toString()
                      .contains("database/creds/app"));
              // the metrics listener runs after the health one on the lease thread: wait for it too
              await(
                  "a failed lease event counted",
                  () -> {
                    var failed =
                        meters.find("strongroom.lease.events").tag("event", "failed").counter();
                    return failed != null && failed.count() >= 1;
                  });

              LEASES.failing = false;
              await("health UP again", () -> health.health().getStatus().equals(Status.UP));
            });
  }
}
