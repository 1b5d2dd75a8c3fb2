/**
 * JMH benchmarks of Strongroom's hot paths against raw JCA, Tink, the AWS Encryption SDK for Java
 * and Bouncy Castle, with a report generator for the ratio table and chart. Not a library: not for
 * public use. See benchmarks/README.md.
 */
package dev.strongroom.benchmarks;
