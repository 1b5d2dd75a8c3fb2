/**
 * The file backend's implementation. Not for public use: anything here may change without notice.
 */
package dev.strongroom.file.internal;
