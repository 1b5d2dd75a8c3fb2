/**
 * Core's own test support, reused by other modules through core's test-jar: a test clock ({@link
 * dev.strongroom.testkit.MutableClock}; strongroom-testing has the public twin {@code TestClock},
 * since core's tests cannot depend on a module built after core), counting and deterministic key
 * services, gated and fault-injecting backend wrappers, a fake scheduler and lease clock, the
 * scanner's fixture tree, and the room-level contracts (isolation, retirement, API keys, listener
 * ordering). Core's test-jar holds this package only, so no package is split between jars ({@code
 * SplitPackageTest}). The backend contract suites ({@code SecretStoreContract}, {@code
 * KeyEncryptionServiceContract}) moved to the strongroom-testing artifact.
 */
package dev.strongroom.testkit;
