package dev.strongroom.internal.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReservedTest {
  /** The definition, without the read path's first-character shortcut. */
  private static boolean reference(String name) {
    for (String prefix : Reserved.PREFIXES) {
      if (name.startsWith(prefix) || prefix.equals(name + "/")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void isReserved_prefixesAndBarePrefixes_reserved() {
    for (String name :
        List.of(
            "apikeys/x",
            "apikeys/.pepper",
            "apikeys",
            ".strongroom/audit/checkpoint",
            ".strongroom")) {
      assertTrue(Reserved.isReserved(name), name);
    }
  }

  @Test
  void isReserved_lookalikes_notReserved() {
    for (String name :
        List.of(
            "", "a", ".", "apikey", "apikeysx", "Apikeys/x", "db/apikeys/x", ".strongroomx", "x")) {
      assertFalse(Reserved.isReserved(name), name);
    }
  }

  @Test
  void isReserved_randomNamesNearThePrefixes_agreesWithTheDefinition() {
    Random random = new Random(18);
    String alphabet = "apikeys/.strongroomAx";
    for (int i = 0; i < 200_000; i++) {
      StringBuilder name = new StringBuilder();
      if (random.nextBoolean()) {
        String prefix = Reserved.PREFIXES.get(random.nextInt(Reserved.PREFIXES.size()));
        name.append(prefix, 0, random.nextInt(prefix.length() + 1));
      }
      for (int n = random.nextInt(4); n > 0; n--) {
        name.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertEquals(
          reference(name.toString()), Reserved.isReserved(name.toString()), name.toString());
    }
  }
}
