/* capture/endpoint.h -- an endpoint's address as text.
 *
 * Every stored message carries two addresses, so this is on the hot path:
 * IPv4 is formatted by hand (inet_ntop goes through the stdio machinery),
 * IPv6 by inet_ntop for its RFC 5952 zero compression. */
#pragma once
#include "capture/frame.h"

#define CAP_ADDR_TEXT_MAX 46 /* INET6_ADDRSTRLEN */

/* Writes the address (not the port) into buf; returns buf. */
char *cap_endpoint_addr(const struct cap_endpoint *ep, char buf[CAP_ADDR_TEXT_MAX]);
