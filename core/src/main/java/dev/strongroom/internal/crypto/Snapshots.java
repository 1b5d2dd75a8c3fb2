package dev.strongroom.internal.crypto;

import java.lang.ref.WeakReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hooks into process snapshots (CRaC, and runtimes that drive the {@code org.crac} API such as
 * Lambda SnapStart) when {@code org.crac} is on the class path: owners register an action that runs
 * before a checkpoint, such as dropping cached encryption keys. Without {@code org.crac} nothing is
 * registered. Thread-safe.
 */
public final class Snapshots {
  private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
  private static final boolean CRAC = present("org.crac.Core");

  private Snapshots() {}

  /**
   * Runs {@code beforeCheckpoint} on {@code owner} before every checkpoint, while the owner is
   * reachable. The returned handle (an {@code org.crac.Resource}, or null without {@code org.crac})
   * must be kept by the owner: CRaC's global context holds resources weakly, and the handle holds
   * the owner weakly.
   */
  public static <T> Object onCheckpoint(T owner, Consumer<T> beforeCheckpoint) {
    if (!CRAC) {
      return null;
    }
    try {
      return CracHook.register(owner, beforeCheckpoint);
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("could not register a CRaC checkpoint hook; cached keys survive checkpoints", e);
      return null;
    }
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, Snapshots.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The {@code org.crac.Resource}; loaded only when {@code org.crac} is present. */
  static final class CracHook<T> implements org.crac.Resource {
    private final WeakReference<T> owner;
    private final Consumer<T> beforeCheckpoint;

    private CracHook(T owner, Consumer<T> beforeCheckpoint) {
      this.owner = new WeakReference<>(owner);
      this.beforeCheckpoint = beforeCheckpoint;
    }

    static <T> Object register(T owner, Consumer<T> beforeCheckpoint) {
      CracHook<T> hook = new CracHook<>(owner, beforeCheckpoint);
      org.crac.Core.getGlobalContext().register(hook);
      return hook;
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> context) {
      T target = owner.get();
      if (target != null) {
        beforeCheckpoint.accept(target);
      }
    }

    @Override
    public void afterRestore(org.crac.Context<? extends org.crac.Resource> context) {
      // Nothing to restore: the next message makes a fresh DEK.
    }
  }
}
