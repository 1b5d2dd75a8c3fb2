package dev.strongroom.spring.quickstart;

import org.springframework.boot.context.properties.ConfigurationProperties;

// --- README Spring quick start: begin ---
@ConfigurationProperties("db.app")
public class DbCredentials {
  private String username;
  private String password; // rebound in place when the secret rotates

  public String getUsername() {
    return username;
  }

  public void setUsername(String username) {
    this.username = username;
  }

  public String getPassword() {
    return password;
  }

  public void setPassword(String password) {
    this.password = password;
  }
}
// --- README Spring quick start: end ---
