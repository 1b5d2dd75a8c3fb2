package dev.strongroom.vault;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

/** RS256 JWTs signed with a key pair made by the test (JDK only). Test-only, thread-safe. */
final class Jwts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KeyPair keys;

  private Jwts(KeyPair keys) {
    this.keys = keys;
  }

  static Jwts generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return new Jwts(generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as a PEM {@code PUBLIC KEY} block. */
  String publicKeyPem() {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(keys.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** A signed JWT with these claims, valid from {@code now - 60 s} until {@code expiry}. */
  String sign(String issuer, String audience, String subject, Instant now, Instant expiry) {
    ObjectNode claims =
        JSON.createObjectNode()
            .put("iss", issuer)
            .put("aud", audience)
            .put("sub", subject)
            .put("iat", now.getEpochSecond() - 60)
            .put("nbf", now.getEpochSecond() - 60)
            .put("exp", expiry.getEpochSecond());
    return sign(claims);
  }

  /** A JWT with exactly these claims, signed RS256. */
  String sign(ObjectNode claims) {
    ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
    String signingInput = b64(header.toString()) + "." + b64(claims.toString());
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(keys.getPrivate());
      rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput
          + "."
          + Base64.getUrlEncoder().withoutPadding().encodeToString(rs256.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
