/** Strongroom: secrets, envelope encryption, rotation, leases and audit for Java services. */
package dev.strongroom;
