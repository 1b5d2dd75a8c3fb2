/**
 * Operational failures. Every one is a {@link dev.strongroom.exception.StrongroomException}, an
 * unchecked root with a few final subclasses (and {@link
 * dev.strongroom.exception.BackendThrottledException}, the one subclass of {@link
 * dev.strongroom.exception.BackendUnavailableException}). Messages never carry secret values or
 * server response bodies.
 */
@NullMarked
package dev.strongroom.exception;

import org.jspecify.annotations.NullMarked;
