/** Strongroom cli module (placeholder until its issue lands). */
package dev.strongroom.cli;
