/**
 * Key-encryption services that live in this process, such as the Tink-backed {@link
 * dev.strongroom.kek.LocalKeyring}.
 */
package dev.strongroom.kek;
