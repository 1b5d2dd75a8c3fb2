package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strongroom.exception.StrongroomException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.MutableClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Random sequences of writes, rotations (succeeding, failing in apply, failing in verify) and reads
 * against a model that is just a map of CURRENT values: CURRENT must always be readable, through
 * the cache and from the backend, and equal the model.
 */
class RotationModelTest {

  enum Kind {
    PUT,
    ROTATE_OK,
    ROTATE_APPLY_FAILS,
    ROTATE_VERIFY_FAILS,
    READ,
    TICK
  }

  record Step(Kind kind, String name, String value) {}

  @Provide
  Arbitrary<Step> steps() {
    return Combinators.combine(
            Arbitraries.of(Kind.class),
            Arbitraries.of("db/a", "db/b", "app/c"),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8))
        .as(Step::new);
  }

  @Property(tries = 200)
  void rotation_randomSequences_currentMatchesModel(
      @ForAll @Size(max = 40) List<@net.jqwik.api.From("steps") Step> steps) {
    MutableClock clock = MutableClock.create();
    Map<String, String> model = new HashMap<>();
    try (Strongroom room =
        Strongroom.builder()
            .backend(MemoryBackend.create(clock))
            .clock(clock)
            .executor(Runnable::run)
            .build()) {
      for (Step step : steps) {
        apply(room, model, clock, step);
        for (Map.Entry<String, String> e : model.entrySet()) {
          assertEquals(e.getValue(), room.secret(e.getKey()).copyUtf8String());
          assertEquals(
              e.getValue(),
              room.secret(SecretRef.ofStage(e.getKey(), Stage.CURRENT)).copyUtf8String());
        }
      }
    }
  }

  private static void apply(
      Strongroom room, Map<String, String> model, MutableClock clock, Step s) {
    boolean exists = model.containsKey(s.name());
    switch (s.kind()) {
      case PUT -> {
        room.put(s.name(), SecretValue.ofUtf8(s.value()));
        model.put(s.name(), s.value());
      }
      case ROTATE_OK -> {
        if (exists) {
          room.rotate(s.name(), rotator(s.value(), false, true));
          model.put(s.name(), s.value());
        }
      }
      case ROTATE_APPLY_FAILS -> {
        if (exists) {
          assertThrows(
              StrongroomException.class,
              () -> room.rotate(s.name(), rotator(s.value(), true, true)));
        }
      }
      case ROTATE_VERIFY_FAILS -> {
        if (exists) {
          assertThrows(
              StrongroomException.class,
              () -> room.rotate(s.name(), rotator(s.value(), false, false)));
        }
      }
      case READ -> {
        if (exists) {
          assertEquals(model.get(s.name()), room.secret(s.name()).copyUtf8String());
        }
      }
      case TICK -> clock.advance(Duration.ofMinutes(2));
    }
  }

  private static SecretRotator rotator(String next, boolean applyFails, boolean verifyOk) {
    return new SecretRotator() {
      @Override
      public SecretValue generate(SecretValue current) {
        return SecretValue.ofUtf8(next);
      }

      @Override
      public void apply(SecretValue pending) {
        if (applyFails) {
          throw new IllegalStateException("apply failed");
        }
      }

      @Override
      public boolean verify(SecretValue pending) {
        return verifyOk;
      }
    };
  }
}
