package dev.strongroom.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.Strongroom;
import dev.strongroom.apikey.Verification.Outcome;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.ApiKeyContractAccess;
import dev.strongroom.testkit.FaultInjectingBackend;
import dev.strongroom.testkit.MutableClock;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Any change to a key fails verification. A change that breaks the checksum (one character
 * anywhere, the checksum itself, the prefix) is rejected before any backend call; a change with a
 * recomputed, valid checksum reaches the lookup (counted at the store: the clock moves past the
 * cache bound before each try, so a lookup means a backend read) and is rejected there.
 */
class ApiKeyTamperingPropertiesTest {
  private static final Duration BOUND = Duration.ofSeconds(5);
  private static final MutableClock CLOCK = MutableClock.create();
  private static final FaultInjectingBackend BACKEND =
      FaultInjectingBackend.wrap(MemoryBackend.create(CLOCK));
  private static final Strongroom ROOM =
      Strongroom.builder()
          .backend(BACKEND)
          .clock(CLOCK)
          .executor(Runnable::run)
          .apiKeys(ApiKeyPolicy.builder().revocationBound(BOUND).build())
          .build();
  private static final ApiKeys KEYS = ROOM.apiKeys();
  private static final char[] KEY =
      KEYS.issue(IssueRequest.builder("live").ttl(Duration.ofDays(365)).build()).key().copyChars();

  /** "sr_live_" + 16-character id + "_": where the secret starts. */
  private static final int SECRET_AT = 8 + 16 + 1;

  /** The length of a key with the labels sr and live. */
  private static final int LENGTH = SECRET_AT + 43 + 6;

  private static char[] key() {
    CLOCK.advance(BOUND.plusSeconds(1)); // the id is no longer cached: a lookup reads the store
    return KEY.clone();
  }

  @Example
  void original_stillValid() {
    assertTrue(KEYS.verify(key()).valid());
  }

  @Property(tries = 400)
  void anyOneCharacterChanged_malformedWithoutBackendCall(
      @ForAll @IntRange(min = 0, max = 73) int position, @ForAll("printable") char replacement) {
    char[] key = key();
    Assume.that(key.length == LENGTH && key[position] != replacement);
    key[position] = replacement;
    long before = BACKEND.storeCalls();

    Verification v = KEYS.verify(key);

    assertEquals(Outcome.MALFORMED, v.outcome());
    assertEquals(before, BACKEND.storeCalls());
  }

  @Property(tries = 200)
  void checksumPartChanged_malformedWithoutBackendCall(
      @ForAll @IntRange(min = 68, max = 73) int position, @ForAll("base62") char replacement) {
    char[] key = key();
    Assume.that(key[position] != replacement);
    key[position] = replacement;
    long before = BACKEND.storeCalls();

    assertEquals(Outcome.MALFORMED, KEYS.verify(key).outcome());
    assertEquals(before, BACKEND.storeCalls());
  }

  @Property(tries = 200)
  void idChanged_validChecksum_invalidWithoutBackendCall(
      @ForAll @IntRange(min = 8, max = 23) int position, @ForAll("base62") char replacement) {
    char[] key = key();
    Assume.that(key[position] != replacement);
    key[position] = replacement;
    ApiKeyContractAccess.fixChecksum(key);
    long before = BACKEND.storeCalls();

    Verification v = KEYS.verify(key);

    assertEquals(Outcome.INVALID, v.outcome());
    assertEquals(before, BACKEND.storeCalls(), "an id the room never issued fails its tag offline");
  }

  @Property(tries = 200)
  void secretChanged_validChecksum_invalidAfterLookup(
      @ForAll @IntRange(min = 25, max = 67) int position, @ForAll("base62") char replacement) {
    char[] key = key();
    Assume.that(key[position] != replacement);
    key[position] = replacement;
    ApiKeyContractAccess.fixChecksum(key);
    long before = BACKEND.storeCalls();

    Verification v = KEYS.verify(key);

    assertEquals(Outcome.INVALID, v.outcome());
    assertTrue(BACKEND.storeCalls() > before, "a key with a genuine id is looked up");
  }

  @Property(tries = 100)
  void environmentChanged_validChecksum_invalidAfterLookup(@ForAll("label") String environment) {
    Assume.that(!environment.equals("live"));
    String changed = "sr_" + environment + new String(key()).substring(7);
    char[] key = changed.toCharArray();
    ApiKeyContractAccess.fixChecksum(key);
    long before = BACKEND.storeCalls();

    assertEquals(Outcome.INVALID, KEYS.verify(key).outcome());
    assertTrue(BACKEND.storeCalls() > before);
  }

  @Property(tries = 100)
  void serviceChanged_validChecksum_malformedWithoutBackendCall(@ForAll("label") String service) {
    Assume.that(!service.equals("sr"));
    char[] key = (service + new String(key()).substring(2)).toCharArray();
    ApiKeyContractAccess.fixChecksum(key);
    long before = BACKEND.storeCalls();

    assertEquals(Outcome.MALFORMED, KEYS.verify(key).outcome());
    assertEquals(before, BACKEND.storeCalls());
  }

  @Property(tries = 100)
  void truncatedOrExtended_malformedWithoutBackendCall(
      @ForAll @IntRange(min = 0, max = 73) int cut, @ForAll("base62") char extra) {
    char[] key = key();
    long before = BACKEND.storeCalls();
    assertEquals(Outcome.MALFORMED, KEYS.verify(java.util.Arrays.copyOf(key, cut)).outcome());
    char[] longer = java.util.Arrays.copyOf(key, key.length + 1);
    longer[key.length] = extra;
    assertEquals(Outcome.MALFORMED, KEYS.verify(longer).outcome());
    assertEquals(before, BACKEND.storeCalls());
  }

  @Provide
  Arbitrary<Character> printable() {
    return Arbitraries.chars().range(' ', '~');
  }

  @Provide
  Arbitrary<Character> base62() {
    return Arbitraries.chars().range('0', '9').range('A', 'Z').range('a', 'z');
  }

  @Provide
  Arbitrary<String> label() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withCharRange('0', '9')
        .ofMinLength(1)
        .ofMaxLength(15)
        .map(s -> "q" + s);
  }
}
