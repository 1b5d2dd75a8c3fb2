/** Leases: short-lived credentials that renew, rotate and revoke themselves. */
package dev.strongroom.lease;
