/**
 * Spring Boot 4 integration: a {@link dev.strongroom.Strongroom} bean from {@code strongroom.*}
 * properties, secrets as configuration through {@code spring.config.import=strongroom:NAME},
 * rotated values reaching the running application ({@link
 * dev.strongroom.spring.StrongroomSecretChangedEvent}), an honest health indicator and Micrometer
 * metrics. Nothing here is needed by core.
 */
package dev.strongroom.spring;
