/**
 * The service provider interfaces a backend implements: key-encryption services (KEKs) and, with
 * the facade, secret stores. Each SPI method takes a request value and returns a result value so
 * that fields can be added later without breaking implementations.
 */
@NullMarked
package dev.strongroom.spi;

import org.jspecify.annotations.NullMarked;
