/** Strongroom file module (placeholder until its issue lands). */
package dev.strongroom.file;
