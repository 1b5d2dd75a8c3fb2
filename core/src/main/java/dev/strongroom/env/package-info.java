/**
 * Migration away from secrets in environment variables: resolve {@code strongroom:} references,
 * parse env files for import, and find variables that look like hardcoded secrets.
 */
package dev.strongroom.env;
