/** Strongroom vault module (placeholder until its issue lands). */
package dev.strongroom.vault;
