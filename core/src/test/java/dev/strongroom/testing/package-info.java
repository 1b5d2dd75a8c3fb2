/**
 * Test support other modules reuse through core's test-jar: the backend contract suites every
 * backend must pass, a test clock, counting and deterministic key services, and a fault-injecting
 * backend wrapper.
 */
package dev.strongroom.testing;
