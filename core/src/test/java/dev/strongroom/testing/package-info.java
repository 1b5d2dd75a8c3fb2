/**
 * Test support other modules reuse through core's test-jar: the backend contract suites every
 * backend must pass, a test clock, and a fault-injecting backend wrapper.
 */
package dev.strongroom.testing;
