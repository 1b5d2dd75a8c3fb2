/**
 * HikariCP 7 integration: {@link dev.strongroom.hikari.StrongroomCredentialsProvider} hands every
 * new pool connection the current database credential from a secret or a lease, soft-evicts old
 * connections when it changes, and refreshes and retries once when the database refuses a login;
 * {@link dev.strongroom.hikari.AlternatingUsersRotator} rotates a PostgreSQL credential between two
 * roles so the previous credential stays valid while other instances catch up.
 */
package dev.strongroom.hikari;
