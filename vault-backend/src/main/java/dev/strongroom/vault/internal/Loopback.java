package dev.strongroom.vault.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Whether a host names this machine: {@code localhost}, an IPv4 literal in {@code 127.0.0.0/8} or
 * the IPv6 literal {@code ::1}. No name is resolved: any other host name counts as remote.
 *
 * <p>Stateless and thread-safe.
 */
public final class Loopback {
  private Loopback() {}

  /** Whether {@code host} (a URI host, IPv6 literals in brackets or not) is a loopback address. */
  public static boolean is(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    boolean ipv4 = h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    boolean ipv6 = h.contains(":") && h.matches("[0-9a-f:.]+");
    if (!ipv4 && !ipv6) {
      return false; // a name: never resolved here
    }
    try {
      // A literal: getByName parses it without a lookup.
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
