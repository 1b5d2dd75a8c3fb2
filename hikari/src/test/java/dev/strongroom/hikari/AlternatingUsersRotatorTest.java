package dev.strongroom.hikari;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.util.Credentials;
import dev.strongroom.SecretValue;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class AlternatingUsersRotatorTest {
  // never connected to in these tests
  private final DataSource admin = new PGSimpleDataSource();
  private final AlternatingUsersRotator rotator =
      AlternatingUsersRotator.of(admin, "app_a", "app_b");

  private static SecretValue json(String user) {
    return SecretValue.ofUtf8("{\"username\":\"" + user + "\",\"password\":\"x\"}");
  }

  @Test
  void generate_switchesToTheOtherRole_withAFreshPassword() {
    Credentials fromA = DbCredential.parse("s", rotator.generate(json("app_a")));
    Credentials fromB = DbCredential.parse("s", rotator.generate(json("app_b")));
    Credentials again = DbCredential.parse("s", rotator.generate(json("app_a")));
    assertEquals("app_b", fromA.getUsername());
    assertEquals("app_a", fromB.getUsername());
    assertNotEquals(fromA.getPassword(), again.getPassword());
    assertEquals(32, fromA.getPassword().length()); // 24 random bytes, base64url
  }

  @Test
  void aSecretNamingAnotherRole_isRefused_soTheRotatorNeverAltersIt() {
    // an attacker who can write the secret must not get the superuser's password changed
    assertThrows(IllegalStateException.class, () -> rotator.generate(json("postgres")));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> rotator.apply(json("postgres")));
    assertFalse(e.getMessage().contains("\"x\""));
  }

  @Test
  void roleNames_mustBePlainIdentifiers() {
    assertThrows(
        IllegalArgumentException.class,
        () -> AlternatingUsersRotator.of(admin, "app_a\"; DROP ROLE x; --", "app_b"));
    assertThrows(IllegalArgumentException.class, () -> AlternatingUsersRotator.of(admin, "a", "a"));
  }
}
