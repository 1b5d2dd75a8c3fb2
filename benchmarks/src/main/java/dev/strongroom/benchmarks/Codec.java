package dev.strongroom.benchmarks;

/**
 * One implementation under test, as one thread uses it: encrypts a message into a self-contained
 * ciphertext and decrypts it again under a fixed context. Instances are confined to one thread.
 */
interface Codec {
  byte[] encrypt(byte[] plaintext) throws Exception;

  byte[] decrypt(byte[] ciphertext) throws Exception;
}
