/**
 * Migration away from hardcoded secrets: resolve {@code strongroom:} references, parse env files
 * for import, find variables that look like hardcoded secrets ({@link
 * dev.strongroom.env.SecretScanner}) and find them in source and configuration files ({@link
 * dev.strongroom.env.FileScanner}).
 */
@NullMarked
package dev.strongroom.env;

import org.jspecify.annotations.NullMarked;
