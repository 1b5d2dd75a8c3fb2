/** Test doubles shared by the test suites: a mutable clock and key services. */
package dev.strongroom.testing;
