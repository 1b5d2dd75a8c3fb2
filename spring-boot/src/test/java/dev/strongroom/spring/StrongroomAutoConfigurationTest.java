package dev.strongroom.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.apikey.Verification;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.lease.LeaseEvent;
import dev.strongroom.observe.RotationOutcome;
import dev.strongroom.testkit.FaultInjectingBackend;
import dev.strongroom.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class StrongroomAutoConfigurationTest {
  private static final String CANARY = "canary-spring-value-31c9";

  @TempDir Path dir;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(StrongroomAutoConfiguration.class));

  @Test
  void properties_buildARoomBean() throws Exception {
    runner
        .withPropertyValues(
            "strongroom.uri=" + Stores.fileStore(dir),
            "strongroom.principal=orders",
            "strongroom.refresh=30s",
            "strongroom.staleness=10m",
            "strongroom.cache-size=100")
        .run(
            context -> {
              Strongroom room = context.getBean(Strongroom.class);
              room.put("db/password", SecretValue.ofUtf8(CANARY));
              assertEquals(CANARY, room.secret("db/password").copyUtf8String());
              assertTrue(context.containsBean("strongroomHealthIndicator"));
              assertTrue(context.containsBean("strongroomMetrics"));
            });
  }

  @Test
  void withoutActuatorOrMicrometer_theRoomStillComesUp() throws Exception {
    runner
        .withClassLoader(
            new FilteredClassLoader(
                io.micrometer.core.instrument.MeterRegistry.class,
                org.springframework.boot.health.contributor.HealthIndicator.class))
        .withPropertyValues("strongroom.uri=" + Stores.fileStore(dir))
        .run(
            context -> {
              assertTrue(
                  context.getStartupFailure() == null, String.valueOf(context.getStartupFailure()));
              assertTrue(context.containsBean("strongroom"));
              assertFalse(context.containsBean("strongroomHealthIndicator"));
              assertFalse(context.containsBean("strongroomMetrics"));
            });
  }

  @Test
  void missingUri_failsStartupClearly() {
    runner.run(
        context -> {
          Throwable failure = context.getStartupFailure();
          Throwable root = failure;
          while (root.getCause() != null) {
            root = root.getCause();
          }
          assertTrue(root.getMessage().contains("expected strongroom.uri"), root.getMessage());
        });
  }

  @Test
  void auditFileWithoutItsKey_failsStartupClearly() throws Exception {
    runner
        .withPropertyValues(
            "strongroom.uri=" + Stores.fileStore(dir),
            "strongroom.audit.file=" + dir.resolve("audit.jsonl"),
            "strongroom.audit.chain-key-env=STRONGROOM_TEST_UNSET_VARIABLE")
        .run(
            context -> {
              Throwable root = context.getStartupFailure();
              while (root.getCause() != null) {
                root = root.getCause();
              }
              assertTrue(
                  root.getMessage().contains("STRONGROOM_TEST_UNSET_VARIABLE"), root.getMessage());
            });
  }

  /** A room on a backend the test can stop and restart, on a clock it moves. */
  @Configuration(proxyBeanMethods = false)
  static class FaultyRoom {
    static final MutableClock CLOCK = MutableClock.create();
    static final FaultInjectingBackend BACKEND =
        FaultInjectingBackend.wrap(MemoryBackend.create(CLOCK));

    @Bean(destroyMethod = "close")
    Strongroom strongroom(RoomObservers observers) {
      return Strongroom.builder()
          .backend(BACKEND)
          .clock(CLOCK)
          .executor(Runnable::run)
          .refreshAfter(Duration.ofMinutes(1))
          .maxStaleness(Duration.ofMinutes(15))
          .observer(observers)
          .build();
    }
  }

  @Test
  void health_goesDownWhileTheBackendIsStopped_andUpWhenItIsBack_metricsShowStaleness() {
    runner
        .withUserConfiguration(FaultyRoom.class)
        .withPropertyValues(
            "strongroom.health.max-staleness=2m", "strongroom.health.secrets=db/password")
        .run(
            context -> {
              Strongroom room = context.getBean(Strongroom.class);
              StrongroomHealthIndicator health = context.getBean(StrongroomHealthIndicator.class);
              SimpleMeterRegistry meters = new SimpleMeterRegistry();
              context.getBean(StrongroomMetrics.class).bindTo(meters);
              room.put("db/password", SecretValue.ofUtf8(CANARY));
              assertEquals(Status.UP, health.health().getStatus());

              FaultyRoom.BACKEND.failing(true); // the backend stops
              FaultyRoom.CLOCK.advance(Duration.ofMinutes(3));
              assertEquals(CANARY, room.secret("db/password").copyUtf8String()); // served stale
              room.secret("db/password").wipe();
              // both reads: the refresh (inline here) failed, the value served is 3 min old
              assertEquals(
                  2, meters.get("strongroom.reads.stale").timer().count(), "stale reads counted");
              assertEquals(
                  180.0, meters.get("strongroom.reads.stale").timer().max(TimeUnit.SECONDS), 0.001);
              assertTrue(
                  meters
                          .get("strongroom.backend.calls")
                          .tags("operation", "read", "outcome", "error")
                          .timer()
                          .count()
                      >= 1);
              Health down = health.health();
              assertEquals(Status.DOWN, down.getStatus());
              assertTrue(down.getDetails().toString().contains("db/password"));
              assertFalse(down.toString().contains(CANARY));
              double stale =
                  meters
                      .get("strongroom.secrets.staleness.max")
                      .timeGauge()
                      .value(TimeUnit.SECONDS);
              assertEquals(180.0, stale, 0.001);

              FaultyRoom.BACKEND.failing(false); // the backend is back
              // the failed refresh counts as one for the cache: the next is due a period later,
              // plus a jitter below a tenth of the period
              FaultyRoom.CLOCK.advance(Duration.ofMinutes(1).plusSeconds(7));
              room.secret("db/password").wipe(); // the stale entry is refreshed inline
              assertEquals(Status.UP, health.health().getStatus());
              assertEquals(
                  0.0,
                  meters
                      .get("strongroom.secrets.staleness.max")
                      .timeGauge()
                      .value(TimeUnit.SECONDS),
                  0.001);
            });
  }

  /** An audit sink the test can break. */
  @Configuration(proxyBeanMethods = false)
  static class BreakableSink {
    static final AtomicBoolean BROKEN = new AtomicBoolean();

    @Bean
    AuditSink breakableSink() {
      return new AuditSink() {
        @Override
        public void record(AuditEvent event) {
          if (BROKEN.get()) {
            throw new AccessDeniedException("disk full");
          }
        }

        @Override
        public void close() {}
      };
    }
  }

  @Test
  void health_goesDownWhenTheAuditSinkFails_andUpWhenItRecords_metricsCountFailures()
      throws Exception {
    runner
        .withUserConfiguration(BreakableSink.class)
        .withPropertyValues("strongroom.uri=" + Stores.fileStore(dir))
        .run(
            context -> {
              Strongroom room = context.getBean(Strongroom.class);
              StrongroomHealthIndicator health = context.getBean(StrongroomHealthIndicator.class);
              SimpleMeterRegistry meters = new SimpleMeterRegistry();
              context.getBean(StrongroomMetrics.class).bindTo(meters);
              room.put("api/token", SecretValue.ofUtf8(CANARY));
              assertEquals(Status.UP, health.health().getStatus());

              BreakableSink.BROKEN.set(true);
              assertThrows(AccessDeniedException.class, () -> room.secret("api/token"));
              Health down = health.health();
              assertEquals(Status.DOWN, down.getStatus());
              assertTrue(down.getDetails().get("audit").toString().contains("AccessDenied"));
              // counted once, by the room's hook (no second bridge through the audit monitor)
              assertEquals(
                  1,
                  meters
                      .get("strongroom.audit.failures")
                      .tag("exception", "AccessDeniedException")
                      .counter()
                      .count());

              BreakableSink.BROKEN.set(false);
              room.secret("api/token").wipe();
              assertEquals(Status.UP, health.health().getStatus());
            });
  }

  @Test
  void metrics_ofTheAutoConfiguredRoom_moveWithRealReadsAndBackendCalls() throws Exception {
    runner
        .withPropertyValues("strongroom.uri=" + Stores.fileStore(dir))
        .run(
            context -> {
              Strongroom room = context.getBean(Strongroom.class);
              SimpleMeterRegistry meters = new SimpleMeterRegistry();
              context.getBean(StrongroomMetrics.class).bindTo(meters);

              room.put("api/token", SecretValue.ofUtf8(CANARY));
              room.secret("api/token").wipe();
              room.secret("api/token").wipe();
              assertThrows(
                  dev.strongroom.exception.NotFoundException.class,
                  () -> room.secret("api/missing"));

              assertEquals(
                  2, meters.get("strongroom.cache.gets").tag("result", "hit").counter().count());
              assertEquals(
                  1, meters.get("strongroom.cache.gets").tag("result", "miss").counter().count());
              assertTrue(
                  meters
                          .get("strongroom.backend.calls")
                          .tags("operation", "write", "outcome", "success")
                          .timer()
                          .count()
                      >= 1);
              assertTrue(
                  meters
                          .get("strongroom.backend.calls")
                          .tags("operation", "read", "outcome", "success")
                          .timer()
                          .count()
                      >= 1);
            });
  }

  @Test
  void metrics_followMicrometerNamesAndBoundedTags() {
    runner
        .withUserConfiguration(FaultyRoom.class)
        .run(
            context -> {
              StrongroomMetrics metrics = context.getBean(StrongroomMetrics.class);
              SimpleMeterRegistry meters = new SimpleMeterRegistry();
              metrics.bindTo(meters);
              metrics.cacheHit("db/password");
              metrics.cacheHit("db/password");
              metrics.cacheMiss("db/password");
              metrics.backendCall("read", Duration.ofMillis(5), null);
              metrics.backendCall("read", Duration.ofMillis(7), IllegalStateException.class);
              metrics.staleRead("db/password", Duration.ofSeconds(90));
              metrics.leaseEvent("database/creds/app", LeaseEvent.Type.FAILED);
              metrics.rotation("db/app", RotationOutcome.PROMOTED, Duration.ofMillis(40));
              metrics.apiKeyVerification(Verification.Outcome.INVALID);

              assertEquals(
                  2, meters.get("strongroom.cache.gets").tag("result", "hit").counter().count());
              assertEquals(
                  1, meters.get("strongroom.cache.gets").tag("result", "miss").counter().count());
              assertEquals(
                  1,
                  meters
                      .get("strongroom.backend.calls")
                      .tags(
                          "operation",
                          "read",
                          "outcome",
                          "error",
                          "exception",
                          "IllegalStateException")
                      .timer()
                      .count());
              assertEquals(
                  1,
                  meters
                      .get("strongroom.backend.calls")
                      .tags("outcome", "success", "exception", "none")
                      .timer()
                      .count());
              assertEquals(
                  90.0, meters.get("strongroom.reads.stale").timer().max(TimeUnit.SECONDS), 0.001);
              assertEquals(
                  1,
                  meters.get("strongroom.lease.events").tag("event", "failed").counter().count());
              assertEquals(
                  1, meters.get("strongroom.rotations").tag("outcome", "promoted").timer().count());
              assertEquals(
                  1,
                  meters
                      .get("strongroom.apikey.verifications")
                      .tag("outcome", "invalid")
                      .counter()
                      .count());
              // no meter is tagged with a secret name
              meters
                  .getMeters()
                  .forEach(
                      m ->
                          m.getId()
                              .getTags()
                              .forEach(
                                  t ->
                                      assertFalse(
                                          t.getValue().contains("db/"), m.getId().toString())));
            });
  }
}
