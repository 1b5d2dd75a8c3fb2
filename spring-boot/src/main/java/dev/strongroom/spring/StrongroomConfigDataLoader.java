package dev.strongroom.spring;

import dev.strongroom.SecretRef;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.observe.RoomObserver;
import dev.strongroom.spi.SecretVersion;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Reads the secrets a {@code strongroom:} import names into a {@link StrongroomPropertySource}. The
 * room is built once per application from the {@code strongroom.*} properties known at import time,
 * kept in the bootstrap context, and handed to the application context as its {@code strongroom}
 * bean (closed with the context). A secret that does not exist fails start-up with Spring's "config
 * data resource ... cannot be found" naming the secret, unless the import is {@code optional:}.
 * Registered in {@code META-INF/spring.factories}; stateless and thread-safe.
 */
public final class StrongroomConfigDataLoader
    implements ConfigDataLoader<StrongroomConfigDataResource> {

  /** The room and its audit monitor, shared by every import of one application. */
  record Bootstrapped(Strongroom room, AuditMonitor monitor) {}

  /** For Spring's factory loader. */
  public StrongroomConfigDataLoader() {}

  @Override
  public ConfigData load(ConfigDataLoaderContext context, StrongroomConfigDataResource resource) {
    Strongroom room = room(context.getBootstrapContext(), resource.properties());
    StrongroomPropertySource source =
        new StrongroomPropertySource("strongroom:" + String.join(";", resource.names()));
    for (String name : expand(room, resource)) {
      try {
        read(room, source, name);
      } catch (NotFoundException e) {
        throw new ConfigDataResourceNotFoundException(
            new StrongroomConfigDataResource(List.of(name), resource.properties(), false), e);
      }
    }
    return new ConfigData(List.of(source));
  }

  private static List<String> expand(Strongroom room, StrongroomConfigDataResource resource) {
    List<String> names = new ArrayList<>();
    for (String name : resource.names()) {
      if (name.endsWith("/")) {
        names.addAll(room.list(name));
      } else {
        names.add(name);
      }
    }
    return names;
  }

  /** Reads CURRENT of {@code name} with its version into {@code source}. */
  static void read(Strongroom room, StrongroomPropertySource source, String name) {
    SecretVersion current =
        room.metadata(name)
            .withStage(Stage.CURRENT)
            .orElseThrow(
                () -> new NotFoundException("secret '" + name + "' has no CURRENT version"));
    try (SecretValue value = room.secret(SecretRef.ofVersion(name, current.version()))) {
      source.update(name, current.version(), value);
    }
  }

  private static Strongroom room(ConfigurableBootstrapContext bootstrap, StrongroomProperties p) {
    if (!bootstrap.isRegistered(Bootstrapped.class)) {
      AuditMonitor monitor = new AuditMonitor();
      Strongroom room =
          RoomFactory.build(p, List.of(), monitor, RoomObserver.noop(), System::getenv);
      bootstrap.register(Bootstrapped.class, InstanceSupplier.of(new Bootstrapped(room, monitor)));
      bootstrap.addCloseListener(event -> promote(event.getApplicationContext(), room, monitor));
    }
    return bootstrap.get(Bootstrapped.class).room();
  }

  private static void promote(
      ConfigurableApplicationContext context, Strongroom room, AuditMonitor monitor) {
    var beans = context.getBeanFactory();
    beans.registerSingleton("strongroom", room);
    beans.registerSingleton("strongroomAuditMonitor", monitor);
    if (beans instanceof DefaultListableBeanFactory registry) {
      registry.registerDisposableBean("strongroom", room::close);
    }
  }
}
