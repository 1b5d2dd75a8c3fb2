/**
 * Strongroom for Spring Boot: auto-configuration, the config-data loader and the health indicator.
 * Its package is opened to Spring, which builds the configuration classes by reflection. The Spring
 * and Micrometer jars are automatic modules ({@code Automatic-Module-Name}); Spring's health
 * support and Micrometer are optional.
 */
// "requires-(transitive-)automatic": Spring and Micrometer are automatic modules (stable
// Automatic-Module-Names).
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.strongroom.spring {
  requires transitive dev.strongroom.core;
  requires transitive spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires transitive spring.beans;
  requires transitive spring.context;
  requires transitive spring.core;
  requires static transitive spring.boot.health;
  requires static transitive micrometer.core;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.strongroom.spring;

  opens dev.strongroom.spring to
      spring.core,
      spring.beans,
      spring.context;
}
