/**
 * Key-encryption services that live in this process, such as the Tink-backed {@link
 * dev.strongroom.kek.LocalKeyring}.
 */
@NullMarked
package dev.strongroom.kek;

import org.jspecify.annotations.NullMarked;
