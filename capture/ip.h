/* capture/ip.h -- IPv4 and IPv6 headers, up to the transport payload.
 *
 * cap_ip_parse() reads one IP header (and IPv6's extension headers) from
 * the bytes after the link layer, through st_cur only, and says where the
 * transport payload is. It never reads past the captured bytes: a header
 * that claims more than was captured is flagged snapcut and the payload is
 * what exists. Trailing bytes past the IP length (Ethernet padding) are
 * ignored. Owns nothing; out points into the caller's bytes. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most IPv6 extension headers walked in one datagram (THREATS B4). */
#define CAP_IP6_EXT_MAX 16

struct cap_ip {
	uint8_t family;          /* 4 or 6 */
	uint8_t src[16], dst[16];
	uint8_t proto;           /* upper-layer protocol, or fragment's next */
	const uint8_t *payload;  /* transport header onward, or fragment data */
	size_t payload_len;      /* bytes present (what was captured) */
	size_t claimed_len;      /* bytes the IP header says the payload has */
	bool snapcut;            /* claimed_len > payload_len */
	/* A fragment (RFC 791 / RFC 8200 4.5); an atomic fragment (offset 0,
	 * no more fragments, RFC 6946) is not one. */
	bool frag, frag_more;
	uint32_t frag_id;
	uint32_t frag_off;       /* bytes */
};

/* net is 4 or 6 (from the link layer). Returns ST_OK, or ST_EMALF /
 * ST_ETRUNC / ST_ELIMIT / ST_EUNSUPP with *why set to a static anomaly
 * kind ("ipv4_bad_ihl", ...). */
int cap_ip_parse(uint8_t net, const uint8_t *data, size_t len,
		 struct cap_ip *out, const char **why);

/* Walks IPv6 extension headers starting with next header *nh at buf[0]
 * (after reassembly: what followed the fragment header). On ST_OK *nh is
 * the upper-layer protocol and *off where it starts. A fragment header
 * here is malformed. */
int cap_ip6_skip_ext(uint8_t *nh, const uint8_t *buf, size_t len,
		     size_t *off, const char **why);
