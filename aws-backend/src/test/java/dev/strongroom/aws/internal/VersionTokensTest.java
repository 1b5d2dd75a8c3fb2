package dev.strongroom.aws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class VersionTokensTest {
  @Test
  void token_isAValidClientRequestToken() {
    assertEquals("strongroom-v00000000000000000001", VersionTokens.token(1));
    assertEquals(32, VersionTokens.token(Long.MAX_VALUE).length());
  }

  @Test
  void parse_roundTrips() {
    for (long n : new long[] {1, 2, 99, 1_000_000, Long.MAX_VALUE}) {
      assertEquals(n, VersionTokens.parse(VersionTokens.token(n)));
    }
  }

  @Test
  void parse_foreignVersionIds_areZero() {
    assertEquals(0, VersionTokens.parse("a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"));
    assertEquals(0, VersionTokens.parse("strongroom-v0000000000000000000x"));
    assertEquals(0, VersionTokens.parse("strongroom-v99999999999999999999"));
    assertEquals(0, VersionTokens.parse(null));
  }

  @Test
  void token_belowOne_refused() {
    assertThrows(IllegalArgumentException.class, () -> VersionTokens.token(0));
  }
}
