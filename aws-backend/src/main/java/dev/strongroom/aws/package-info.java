/** Strongroom aws module (placeholder until its issue lands). */
package dev.strongroom.aws;
