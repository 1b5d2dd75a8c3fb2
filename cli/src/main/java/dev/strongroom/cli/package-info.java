/**
 * The {@code strongroom} command-line tool: {@link dev.strongroom.cli.Main} is its entry point;
 * everything else in this package is package-private.
 */
package dev.strongroom.cli;
