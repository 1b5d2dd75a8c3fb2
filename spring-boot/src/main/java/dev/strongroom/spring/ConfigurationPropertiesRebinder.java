package dev.strongroom.spring;

import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.AutowireCapableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;

/**
 * Rebinds the application's mutable {@code @ConfigurationProperties} beans (JavaBean binding) whose
 * prefix covers a property a rotation changed, as Spring Cloud's rebinder does: the bean is
 * destroyed and initialised again in place, so Boot's binder sets its fields from the updated
 * environment. Constructor-bound beans (records, {@code @ConstructorBinding}) cannot change in
 * place and keep the values they started with; read those through the environment or the room.
 *
 * <p>Runs on the thread that publishes the {@link StrongroomSecretChangedEvent} (the room's
 * listener thread); a bean's fields change while other threads may read them, as with any
 * refreshable configuration. Thread-safe.
 */
final class ConfigurationPropertiesRebinder
    implements ApplicationListener<StrongroomSecretChangedEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigurationPropertiesRebinder.class);

  private final ApplicationContext context;

  ConfigurationPropertiesRebinder(ApplicationContext context) {
    this.context = context;
  }

  @Override
  public void onApplicationEvent(StrongroomSecretChangedEvent event) {
    Map<String, ConfigurationPropertiesBean> beans = ConfigurationPropertiesBean.getAll(context);
    AutowireCapableBeanFactory factory = context.getAutowireCapableBeanFactory();
    for (ConfigurationPropertiesBean bean : beans.values()) {
      if (bean.asBindTarget().getBindMethod() != BindMethod.JAVA_BEAN
          || !covers(prefix(bean), event.propertyNames())) {
        continue;
      }
      synchronized (this) {
        Object instance = bean.getInstance();
        factory.destroyBean(instance);
        factory.initializeBean(instance, bean.getName());
      }
      LOG.debug("rebound @ConfigurationProperties bean '{}' after a rotation", bean.getName());
    }
  }

  private static String prefix(ConfigurationPropertiesBean bean) {
    String prefix = bean.getAnnotation().prefix();
    return prefix.isEmpty() ? bean.getAnnotation().value() : prefix;
  }

  /** Whether a changed property is the prefix or under it (relaxed names compared). */
  static boolean covers(String prefix, Set<String> changed) {
    if (prefix.isEmpty()) {
      return true;
    }
    ConfigurationPropertyName root = ConfigurationPropertyName.adapt(prefix, '.');
    for (String name : changed) {
      ConfigurationPropertyName property = ConfigurationPropertyName.adapt(name, '.');
      if (root.equals(property) || root.isAncestorOf(property)) {
        return true;
      }
    }
    return false;
  }
}
