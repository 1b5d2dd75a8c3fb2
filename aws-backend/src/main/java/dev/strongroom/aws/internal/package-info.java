/**
 * Implementation of the AWS backend (Secrets Manager store, KMS key service, URI parsing, error
 * mapping). Not for public use: it may change in any release.
 */
package dev.strongroom.aws.internal;
