package dev.strongroom.benchmarks;

import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH state shared by all threads of a trial: the {@code impl} and {@code size} parameters and the
 * implementation's shared part (one envelope, one Tink primitive, one ESDK cache for all threads).
 * Messages above 64 KiB first run {@link GcmWarmup}, so that JDK 17 has left its slow GCM tier.
 * Written once in setup, then read-only: thread-safe.
 */
@State(Scope.Benchmark)
public class SharedImpl {
  /** Which implementation; see {@link Impls#ALL}. */
  @Param({
    "strongroom",
    "strongroomJdk",
    "strongroomAccp",
    "jcaReused",
    "jcaSliced",
    "accpRaw",
    "jcaNewCipher",
    "tinkAead",
    "tinkEnvelope",
    "esdkCached",
    "esdkCachedSigning",
    "esdkUncached",
    "bouncyCastle",
    "tinkAeadAccp",
    "esdkCachedAccp"
  })
  public String impl;

  /** Message size in bytes. */
  @Param({"64", "1024", "16384", "1048576"})
  public int size;

  Supplier<Codec> codecs;

  /** Builds the implementation and warms the JDK's large-message GCM path if needed. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    codecs = Impls.create(impl);
    if (size > GcmWarmup.SLOW_PATH_THRESHOLD && !impl.equals("bouncyCastle")) {
      GcmWarmup.untilFast();
    }
  }
}
