/** Strongroom: secrets, envelope encryption, rotation, leases and audit for Java services. */
@NullMarked
package dev.strongroom;

import org.jspecify.annotations.NullMarked;
