/* netaddr.h — host names and IP addresses as configuration and requests
 * carry them: a Host header or SERVER_NAME ("example.com:8080",
 * "[::1]:8080"), a list of trusted proxy addresses ("10.0.0.1, ::1").
 * Checked before anything puts them into a URL or a header. */
#ifndef FL_NETADDR_H
#define FL_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

/* fl_host_is_valid — whether the `n` bytes at `s` are a host with an
 * optional port, as RFC 9110 §7.2 / RFC 3986 §3.2.2 allow in a Host
 * header and werkzeug would put into a URL: a registered name of ASCII
 * letters, digits, '-', '.' and '_' (1..253 bytes), or an IPv6 address in
 * brackets ("[::1]", hex digits, ':' and '.'), then optionally ':' and a
 * port of 1..5 digits.  Nothing else — no spaces, '/', '@', '%', quotes or
 * control characters — so a valid host cannot change a URL's meaning. */
bool fl_host_is_valid(const char *s, size_t n);

/* fl_addr_list_is_valid — whether `list` is a comma-separated list of IPv4
 * or IPv6 addresses (spaces around the commas allowed, at least one
 * address).  On false, `bad` (size `badlen`) receives the first entry that
 * is not an address. */
bool fl_addr_list_is_valid(const char *list, char *bad, size_t badlen);

/* fl_addr_in_list — whether IP address `addr` (text, e.g. REMOTE_ADDR) is
 * one of the addresses of the comma-separated `list`, compared as
 * addresses (so "::1" and "0:0::1" are the same).  False when either is
 * NULL or `addr` is not an address. */
bool fl_addr_in_list(const char *addr, const char *list);

#endif
