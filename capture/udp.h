/* capture/udp.h -- the UDP header, its length and its checksum.
 *
 * Reads through st_cur only; owns nothing (out points into the caller's
 * bytes). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "capture/ip.h"

struct cap_udp {
	uint16_t sport, dport;
	const uint8_t *payload;
	size_t len;              /* payload bytes used */
	const char *len_anomaly; /* static kind when the length field lies */
	bool cksum_bad;          /* checksum present (or missing on IPv6) and wrong */
};

/* seg/len: the transport bytes (IP payload); complete: false when they
 * were cut by snaplen (then the checksum is not checked). ST_OK, or
 * ST_ETRUNC when not even the 8-byte header is there. RFC 768; a zero
 * checksum means none on IPv4 and is invalid on IPv6 (RFC 8200 8.1). */
int cap_udp_parse(const struct cap_ip *ip, const uint8_t *seg, size_t len,
		  bool complete, struct cap_udp *out);

/* Internet checksum (RFC 1071) over the IPv4/IPv6 pseudo-header and seg;
 * 0 when the stored checksum is right. */
uint16_t cap_l4_cksum(const struct cap_ip *ip, uint8_t proto,
		      const uint8_t *seg, size_t len);
