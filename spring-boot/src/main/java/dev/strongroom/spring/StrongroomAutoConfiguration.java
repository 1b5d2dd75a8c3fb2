package dev.strongroom.spring;

import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Auto-configuration: a {@link Strongroom} bean from {@code strongroom.*} properties (unless the
 * application or a {@code spring.config.import=strongroom:} import already made one), refresh of
 * imported secrets with {@link StrongroomSecretChangedEvent}s, and, when their libraries are
 * present, a health indicator ({@code strongroom}) and Micrometer metrics. {@link AuditSink} beans
 * are added to a room built here.
 */
@AutoConfiguration
@EnableConfigurationProperties(StrongroomProperties.class)
public class StrongroomAutoConfiguration {

  /** For Spring. */
  public StrongroomAutoConfiguration() {}

  @Bean
  @ConditionalOnMissingBean
  AuditMonitor strongroomAuditMonitor() {
    return new AuditMonitor();
  }

  @Bean
  @ConditionalOnMissingBean
  RoomObservers strongroomObservers() {
    return new RoomObservers();
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Strongroom strongroom(
      StrongroomProperties properties,
      ObjectProvider<AuditSink> sinks,
      AuditMonitor monitor,
      RoomObservers observers) {
    return RoomFactory.build(
        properties, sinks.orderedStream().toList(), monitor, observers, System::getenv);
  }

  @Bean
  SecretRefresher strongroomSecretRefresher(
      Strongroom room, ConfigurableEnvironment environment, ApplicationEventPublisher publisher) {
    return new SecretRefresher(room, environment, publisher);
  }

  @Bean
  @ConditionalOnProperty(
      name = "strongroom.rebind-configuration-properties",
      havingValue = "true",
      matchIfMissing = true)
  ConfigurationPropertiesRebinder strongroomConfigurationPropertiesRebinder(
      ApplicationContext context) {
    return new ConfigurationPropertiesRebinder(context);
  }

  /** The secrets health and metrics watch: every imported one and {@code health.secrets}. */
  static Supplier<Collection<String>> watched(
      ConfigurableEnvironment environment, StrongroomProperties properties) {
    return () -> {
      Set<String> names = new LinkedHashSet<>();
      SecretRefresher.sources(environment).forEach(s -> names.addAll(s.secrets()));
      names.addAll(properties.getHealth().getSecrets());
      return names;
    };
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean
    StrongroomHealthIndicator strongroomHealthIndicator(
        Strongroom room,
        AuditMonitor monitor,
        StrongroomProperties properties,
        ConfigurableEnvironment environment) {
      return new StrongroomHealthIndicator(
          room, monitor, watched(environment, properties), properties.healthMaxStaleness());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class MetricsConfiguration {
    @Bean
    @ConditionalOnMissingBean
    StrongroomMetrics strongroomMetrics(
        Strongroom room,
        RoomObservers observers,
        StrongroomProperties properties,
        ConfigurableEnvironment environment) {
      return new StrongroomMetrics(room, observers, watched(environment, properties));
    }
  }
}
