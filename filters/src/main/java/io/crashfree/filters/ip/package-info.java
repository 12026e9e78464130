/**
 * IP addresses without allocation: a reusable 128-bit holder that parses IPv4 and IPv6 text from bytes or from
 * header {@code CharSequence}s, the client-IP derivation from forwarding headers (reference §1.4), and compiled sets
 * of addresses and CIDR blocks for the client-IP inbound filter.
 * <p>
 * The holder and resolver run on the event-loop thread, once per request; {@link io.crashfree.filters.ip.IpNetworkSet}
 * is built on the control plane and shared read-only by every thread.
 */
package io.crashfree.filters.ip;
