/**
 * Audit: an event for every access (who, what, which version, outcome; never a value), sinks that
 * record them (SLF4J, a hash-chained JSON-lines file) and a verifier for the file.
 */
package dev.strongroom.audit;
