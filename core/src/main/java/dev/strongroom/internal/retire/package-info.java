/**
 * Key retirement as a managed job: before a KEK's minimum decryption version rises, everything the
 * room itself sealed under the older versions is rewrapped (resumably, with a checkpoint under
 * {@code .strongroom/retire/}), and the rise is refused while anything still needs an old version.
 * Not for public use.
 */
package dev.strongroom.internal.retire;
