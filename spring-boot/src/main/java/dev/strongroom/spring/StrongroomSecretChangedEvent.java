package dev.strongroom.spring;

import java.util.Set;
import org.springframework.context.ApplicationEvent;

/**
 * Published when an imported secret got a new CURRENT version and its properties in the {@link
 * org.springframework.core.env.Environment} were updated: re-read them there (or rebuild what was
 * built from them, such as a client). Carries the secret's name, the new version and the property
 * names; never a value. Immutable.
 */
public final class StrongroomSecretChangedEvent extends ApplicationEvent {
  private static final long serialVersionUID = 1L;

  private final String secretName;
  private final long version;
  // An ApplicationEvent is Serializable, but events are never serialized here.
  private final transient Set<String> propertyNames;

  StrongroomSecretChangedEvent(
      Object source, String secretName, long version, Set<String> propertyNames) {
    super(source);
    this.secretName = secretName;
    this.version = version;
    this.propertyNames = Set.copyOf(propertyNames);
  }

  /** The secret that changed, such as {@code db/app}. */
  public String secretName() {
    return secretName;
  }

  /** Its new CURRENT version. */
  public long version() {
    return version;
  }

  /** The properties it gives, such as {@code db.app.password}. */
  public Set<String> propertyNames() {
    return propertyNames;
  }

  @Override
  public String toString() {
    return "StrongroomSecretChangedEvent[" + secretName + " v" + version + "]";
  }
}
