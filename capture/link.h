/* capture/link.h -- strip the link layer of one frame.
 *
 * Knows Ethernet (with any stack of 802.1Q / 802.1ad / QinQ tags), Linux
 * cooked SLL and SLL2, raw IP (DLT_RAW 12 and 14, LINKTYPE_RAW 101,
 * LINKTYPE_IPV4 228, LINKTYPE_IPV6 229) and BSD loopback (NULL 0, LOOP
 * 108) with AF_INET / AF_INET6 (24, 28, 30) in either byte order. Reads
 * the frame through st_cur only; owns nothing. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* Most VLAN tags walked before giving up on a frame (THREATS B1). */
#define CAP_LINK_VLAN_MAX 8

struct cap_link {
	size_t off;     /* where the network header starts in the frame */
	uint8_t net;    /* 4 (IPv4), 6 (IPv6) or 0 (not IP) */
	uint16_t vlan;  /* outermost VLAN id, 0 if untagged */
	uint8_t vlans;  /* tags walked */
};

/* ST_OK (out->net may be 0: not IP), ST_EUNSUPP (unknown link type),
 * ST_ETRUNC (link header cut), ST_ELIMIT (more than CAP_LINK_VLAN_MAX
 * tags). */
int cap_link_parse(int linktype, const uint8_t *data, size_t caplen,
		   struct cap_link *out);
