/**
 * Strongroom for HikariCP: a data source whose database credentials come from a Strongroom lease or
 * secret and rotate without restarting the pool. The PostgreSQL driver is optional ({@code requires
 * static}): the alternating-users rotator uses its password change when it is present.
 */
// "requires-automatic": the PostgreSQL driver is an automatic module (stable
// Automatic-Module-Name org.postgresql.jdbc).
@SuppressWarnings("requires-automatic")
module dev.strongroom.hikari {
  requires transitive dev.strongroom.core;
  requires transitive com.zaxxer.hikari;
  requires transitive java.sql;
  requires com.fasterxml.jackson.databind;
  requires java.logging;
  requires static org.postgresql.jdbc;
  requires org.slf4j;

  exports dev.strongroom.hikari;
}
