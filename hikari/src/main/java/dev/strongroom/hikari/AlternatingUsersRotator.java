package dev.strongroom.hikari;

import dev.strongroom.SecretRotator;
import dev.strongroom.SecretValue;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Rotates a PostgreSQL credential between two database roles, so that no instance is ever left
 * holding a refused password: the secret (one JSON value, {@code {"username": .., "password": ..}})
 * names the role in use; a rotation gives the <em>other</em> role a new random password ({@code
 * ALTER ROLE}, sent as a SCRAM-SHA-256 verifier computed by the driver, so the password is not in
 * the server's statement log), checks that it logs in, and only then becomes CURRENT. The role that
 * was CURRENT keeps its password until the rotation after next, so instances that have not yet
 * refreshed keep working for a full rotation period. Both roles must own nothing and be members of
 * one group role that holds the privileges.
 *
 * <pre>{@code
 * room.rotate("db/app", AlternatingUsersRotator.of(adminDataSource, "app_a", "app_b"));
 * }</pre>
 *
 * <p>{@code admin} is a data source whose {@code getConnection()} logs in as a role allowed to
 * {@code ALTER ROLE} both roles; its {@code getConnection(user, password)} is used to check the new
 * credential, so it must accept other users (a driver data source such as {@code
 * PGSimpleDataSource} does). Stateless apart from its random source and thread-safe; one rotation
 * of a secret at a time is the room's business.
 */
public final class AlternatingUsersRotator implements SecretRotator {
  private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final DataSource admin;
  private final String first;
  private final String second;
  private final SecureRandom random = new SecureRandom();

  private AlternatingUsersRotator(DataSource admin, String first, String second) {
    this.admin = admin;
    this.first = first;
    this.second = second;
  }

  /**
   * A rotator between roles {@code first} and {@code second} (lower-case PostgreSQL identifiers).
   *
   * @throws IllegalArgumentException if a role name is not a plain identifier or both are the same
   */
  public static AlternatingUsersRotator of(DataSource admin, String first, String second) {
    Objects.requireNonNull(admin, "admin");
    for (String role : new String[] {first, second}) {
      Objects.requireNonNull(role, "role");
      if (!ROLE.matcher(role).matches()) {
        throw new IllegalArgumentException(
            "expected a role name matching " + ROLE + " but was '" + role + "'");
      }
    }
    if (first.equals(second)) {
      throw new IllegalArgumentException("expected two different roles but both were " + first);
    }
    return new AlternatingUsersRotator(admin, first, second);
  }

  /**
   * The first value of the secret: {@code first} with a new random password set on the database
   * now. Write it with {@code room.put(name, value)} before the first rotation.
   */
  public SecretValue initial() {
    SecretValue value = credential(first);
    try {
      apply(value);
      return value;
    } catch (RuntimeException e) {
      value.wipe();
      throw e;
    }
  }

  /** The other role than the one {@code current} names, with a new random password. */
  @Override
  public SecretValue generate(SecretValue current) {
    String inUse = DbCredential.username("the rotated secret", current);
    if (!inUse.equals(first) && !inUse.equals(second)) {
      throw new IllegalStateException(
          "expected the secret to name role " + first + " or " + second + " but it named " + inUse);
    }
    return credential(inUse.equals(first) ? second : first);
  }

  /** Sets the pending role's password on the database. */
  @Override
  public void apply(SecretValue pending) {
    var credential = DbCredential.parse("the pending secret", pending);
    String role = credential.getUsername();
    if (!role.equals(first) && !role.equals(second)) {
      throw new IllegalStateException(
          "expected the pending secret to name role "
              + first
              + " or "
              + second
              + " but it named "
              + role);
    }
    char[] password = credential.getPassword().toCharArray();
    try (Connection c = admin.getConnection()) {
      if (Postgres.PRESENT && Postgres.alter(c, role, password)) {
        return;
      } else {
        alterPlain(c, credential.getUsername(), password);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not set the password of role " + credential.getUsername() + ": " + e.getSQLState(),
          e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /** Whether the pending credential logs in and runs {@code SELECT 1}. */
  @Override
  public boolean verify(SecretValue pending) {
    var credential = DbCredential.parse("the pending secret", pending);
    try (Connection c = admin.getConnection(credential.getUsername(), credential.getPassword());
        PreparedStatement s = c.prepareStatement("SELECT 1")) {
      return s.executeQuery().next();
    } catch (SQLException e) {
      return false;
    }
  }

  private SecretValue credential(String role) {
    byte[] raw = new byte[24];
    random.nextBytes(raw);
    byte[] encoded = Base64.getUrlEncoder().withoutPadding().encode(raw);
    char[] password = new char[encoded.length];
    for (int i = 0; i < encoded.length; i++) {
      password[i] = (char) encoded[i];
    }
    try {
      return DbCredential.format(role, password);
    } finally {
      Arrays.fill(raw, (byte) 0);
      Arrays.fill(encoded, (byte) 0);
      Arrays.fill(password, '\0');
    }
  }

  /** For drivers other than PostgreSQL's: the password (base64url, no quotes) in a literal. */
  private static void alterPlain(Connection c, String role, char[] password) throws SQLException {
    for (char ch : password) {
      if (!Character.isLetterOrDigit(ch) && ch != '-' && ch != '_') {
        throw new IllegalStateException("expected a base64url password (value not shown)");
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER ROLE \"" + role + "\" WITH PASSWORD '" + new String(password) + "'");
    }
  }

  /**
   * PostgreSQL's driver, when it is on the class path: a SCRAM verifier instead of the password.
   */
  private static final class Postgres {
    static final boolean PRESENT = present();

    private static boolean present() {
      try {
        Class.forName("org.postgresql.PGConnection", false, Postgres.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }

    static boolean alter(Connection c, String role, char[] password) throws SQLException {
      if (!c.isWrapperFor(org.postgresql.PGConnection.class)) {
        return false;
      }
      c.unwrap(org.postgresql.PGConnection.class)
          .alterUserPassword(role, password, "scram-sha-256");
      return true;
    }
  }

  @Override
  public String toString() {
    return "AlternatingUsersRotator[" + first + ", " + second + "]";
  }
}
