package dev.strongroom.internal.room;

import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.internal.envelope.ReservedContexts;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which secrets of the room are check-out-only: readable through the secret API by nobody, only
 * under a live check-out lease ({@link CheckoutService#read}). The names are one record, {@link
 * #RECORD}, in the room's reserved namespace, sealed by the {@code default} KEK under a reserved
 * context bound to the record's store version, so an edited or replayed record does not open.
 *
 * <p>The set is loaded by the room's first secret operation (one backend read; a read fails closed
 * if it cannot be loaded) and then refreshed in the background every {@code refreshAfter} of the
 * room but at most once a minute (like the KEK check), charged to the room's request budget; a
 * change made through this room is seen at once, a change made by another process within the larger
 * of {@code refreshAfter} and a minute. A failed refresh keeps the set it had; a record that does
 * not open makes every read of the room fail closed until it is repaired.
 *
 * <p>Thread-safe. Not for public use.
 */
public final class CheckoutPolicy {
  /** The record holding the check-out-only names. */
  public static final String RECORD = Reserved.LIBRARY + "checkout-only";

  private static final Logger LOG = LoggerFactory.getLogger(CheckoutPolicy.class);
  private static final String FORMAT = "strongroom-checkout-only-v1";
  private static final String WHAT = "check-out policy record " + RECORD;

  private final RoomCore core;
  private volatile Snapshot snapshot;
  private volatile TamperedException broken;
  private final ReentrantLock lock = new ReentrantLock();

  private record Snapshot(Set<String> names, long storeVersion) {}

  private CheckoutPolicy(RoomCore core) {
    this.core = core;
  }

  /** The check-out policy of {@code core}'s room (one per room). */
  public static CheckoutPolicy of(RoomCore core) {
    return core.component(CheckoutPolicy.class, () -> new CheckoutPolicy(core));
  }

  /**
   * Whether secret {@code fullName} may be read only under a check-out lease. Allocates nothing
   * once loaded (the read path).
   *
   * @throws TamperedException if the record does not open (fail closed)
   */
  public boolean requires(String fullName) {
    Snapshot s = snapshot;
    if (s == null) {
      s = load();
    }
    TamperedException b = broken;
    if (b != null) {
      throw new TamperedException(b.getMessage(), b);
    }
    return !s.names.isEmpty() && s.names.contains(fullName);
  }

  /**
   * Loads the set if it is not loaded yet, ignoring an unavailable backend (the next operation
   * tries again). Called before the room's first write or other non-read operation, so that a room
   * that wrote a value and then lost its backend still knows the policy for its stale reads.
   */
  public void prime() {
    if (snapshot == null) {
      try {
        load();
      } catch (BackendUnavailableException e) {
        // not known yet: the first read loads it, or fails closed
      }
    }
  }

  /** The check-out-only names, sorted. */
  public Set<String> names() {
    Snapshot s = snapshot;
    if (s == null) {
      s = load();
    }
    TamperedException b = broken;
    if (b != null) {
      throw new TamperedException(b.getMessage(), b);
    }
    return s.names;
  }

  /**
   * Adds or removes {@code fullName}, with a check-and-set write of the record (a concurrent change
   * by another process is re-read and retried once).
   */
  public void set(String fullName, boolean required) {
    lock.lock();
    try {
      setLocked(fullName, required);
    } finally {
      lock.unlock();
    }
  }

  private void setLocked(String fullName, boolean required) {
    for (int attempt = 0; ; attempt++) {
      Snapshot current = read();
      TreeSet<String> names = new TreeSet<>(current.names);
      boolean changed = required ? names.add(fullName) : names.remove(fullName);
      if (!changed) {
        install(current);
        return;
      }
      try {
        long written = write(names, current.storeVersion);
        install(new Snapshot(Set.copyOf(names), written));
        return;
      } catch (ConflictException e) {
        if (attempt > 0) {
          throw e;
        }
      }
    }
  }

  /**
   * Seals the record again under the {@code default} KEK's primary version, as its next store
   * version (key retirement).
   */
  public void reseal() {
    lock.lock();
    try {
      Snapshot current = read();
      if (current.storeVersion > 0) {
        install(new Snapshot(current.names, write(current.names, current.storeVersion)));
      }
    } finally {
      lock.unlock();
    }
  }

  @SuppressWarnings("FutureReturnValueIgnored") // a periodic task ends with the room's scheduler
  private Snapshot load() {
    lock.lock(); // not a monitor: a virtual thread waiting here while one reads does not pin
    try {
      Snapshot s = snapshot;
      if (s != null) {
        return s;
      }
      try {
        s = read();
      } catch (TamperedException e) {
        broken = e;
        s = new Snapshot(Set.of(), 0);
      }
      install(s);
      long millis =
          Math.max(
              core.settings().refreshAfter().toMillis(), RoomCore.DEFAULT_KEY_CHECK.toMillis());
      core.scheduler().scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
      return s;
    } finally {
      lock.unlock();
    }
  }

  private void refresh() {
    if (!core.cache().budget().tryTake(1)) {
      return; // a background request: skipped (until the next run) while the budget is spent
    }
    try {
      Snapshot s = read();
      broken = null;
      install(s);
    } catch (TamperedException e) {
      broken = e;
      LOG.warn("check-out policy record {} does not open; reads fail closed", RECORD);
    } catch (StrongroomException e) {
      LOG.debug("check-out policy refresh failed; keeping the last set", e);
    }
  }

  /** Installs {@code s} unless a newer record is already installed (a refresh racing a set). */
  private synchronized void install(Snapshot s) {
    if (snapshot == null || s.storeVersion >= snapshot.storeVersion) {
      snapshot = s;
    }
  }

  private Snapshot read() {
    Optional<VersionBoundRecords.Opened> opened =
        VersionBoundRecords.read(core, RECORD, CheckoutPolicy::context, WHAT);
    if (opened.isEmpty()) {
      return new Snapshot(Set.of(), 0);
    }
    byte[] plain = opened.get().plain();
    try {
      String[] lines = new String(plain, StandardCharsets.UTF_8).split("\n", -1);
      if (!lines[0].equals(FORMAT)) {
        throw new TamperedException(WHAT + " is not " + FORMAT);
      }
      TreeSet<String> names = new TreeSet<>(Arrays.asList(lines).subList(1, lines.length));
      names.remove("");
      return new Snapshot(Set.copyOf(names), opened.get().storeVersion());
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private long write(Set<String> names, long expectedVersion) {
    byte[] plain =
        (FORMAT + "\n" + String.join("\n", new TreeSet<>(names))).getBytes(StandardCharsets.UTF_8);
    try {
      return VersionBoundRecords.write(
          core, RECORD, plain, expectedVersion, CheckoutPolicy::context, WHAT);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private static dev.strongroom.envelope.EncryptionContext context(long storeVersion) {
    return ReservedContexts.of(
        Map.of(
            "strongroom:checkout-only",
            "v1",
            "strongroom:record-version",
            Long.toString(storeVersion)));
  }
}
