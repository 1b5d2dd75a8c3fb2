/** Strongroom benchmarks module (placeholder until its issue lands). */
package dev.strongroom.benchmarks;
