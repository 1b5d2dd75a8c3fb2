package dev.strongroom.vault;

import dev.strongroom.SecretRotator;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.spi.SecretVersion;

/**
 * One of the two JVMs of {@link VaultTwoJvmStagesIT}: rotates one secret {@code rounds} times,
 * starting at the wall-clock instant given, and prints {@code OK version value} or {@code CONFLICT}
 * per round. Values are {@code ID-ROUND}, so every promoted version can be traced to its writer.
 */
public final class StageMoverMain {
  private StageMoverMain() {}

  public static void main(String[] args) throws Exception {
    String name = args[0];
    String id = args[1];
    int rounds = Integer.parseInt(args[2]);
    long startAt = Long.parseLong(args[3]);
    try (Strongroom room = Strongroom.builder().backend(VaultServers.devBackend()).build()) {
      while (System.currentTimeMillis() < startAt) {
        Thread.onSpinWait();
      }
      for (int round = 0; round < rounds; round++) {
        String value = id + "-" + round;
        SecretRotator rotator =
            new SecretRotator() {
              @Override
              public SecretValue generate(SecretValue current) {
                return SecretValue.ofUtf8(value);
              }
            };
        try {
          SecretVersion v = room.rotate(name, rotator);
          System.out.println("OK " + v.version() + " " + value);
        } catch (ConflictException e) {
          System.out.println("CONFLICT " + round + " " + e.getMessage().replace('\n', ' '));
        }
      }
    }
    System.out.flush();
  }
}
