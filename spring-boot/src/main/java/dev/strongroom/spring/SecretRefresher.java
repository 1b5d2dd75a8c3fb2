package dev.strongroom.spring;

import dev.strongroom.Strongroom;
import dev.strongroom.exception.StrongroomException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Keeps imported secrets current: watches each secret of every {@link StrongroomPropertySource} in
 * the environment with {@link Strongroom#onChange}, and on a change re-reads CURRENT with its
 * version from the backend (so a late or repeated notification can never move a property back),
 * updates the property source and publishes a {@link StrongroomSecretChangedEvent}. Events are
 * published on the room's listener thread (and, for a version written between the import and the
 * start of the watch, on the thread that starts the context). Thread-safe.
 */
final class SecretRefresher implements SmartInitializingSingleton, DisposableBean {
  private static final Logger LOG = LoggerFactory.getLogger(SecretRefresher.class);

  private final Strongroom room;
  private final ConfigurableEnvironment environment;
  private final ApplicationEventPublisher publisher;
  private final List<Strongroom.Registration> watches = new ArrayList<>();

  SecretRefresher(
      Strongroom room, ConfigurableEnvironment environment, ApplicationEventPublisher publisher) {
    this.room = room;
    this.environment = environment;
    this.publisher = publisher;
  }

  /** The imported property sources. */
  static List<StrongroomPropertySource> sources(ConfigurableEnvironment environment) {
    List<StrongroomPropertySource> out = new ArrayList<>();
    for (PropertySource<?> s : environment.getPropertySources()) {
      if (s instanceof StrongroomPropertySource strongroom) {
        out.add(strongroom);
      }
    }
    return out;
  }

  @Override
  public synchronized void afterSingletonsInstantiated() {
    for (StrongroomPropertySource source : sources(environment)) {
      for (String name : source.secrets()) {
        watches.add(room.onChange(name, (n, version, value) -> refresh(source, name)));
        refresh(source, name); // a version written since the import was read
      }
    }
  }

  private void refresh(StrongroomPropertySource source, String name) {
    long before = source.version(name);
    try {
      StrongroomConfigDataLoader.read(room, source, name);
    } catch (StrongroomException | IllegalStateException e) {
      LOG.warn("could not refresh imported secret '{}': {}", name, e.getClass().getSimpleName());
      return;
    }
    long after = source.version(name);
    if (after > before) {
      publisher.publishEvent(
          new StrongroomSecretChangedEvent(this, name, after, source.propertiesOf(name)));
    }
  }

  @Override
  public synchronized void destroy() {
    watches.forEach(Strongroom.Registration::close);
    watches.clear();
  }
}
