/* capture/defrag.h -- IPv4 and IPv6 fragment reassembly.
 *
 * Fragments are keyed by (family, source, destination, identification,
 * protocol) and may come in any order, duplicated or overlapping. Exact
 * duplicates and overlaps carrying the same bytes are counted; overlaps
 * carrying different bytes drop the whole datagram with the anomaly
 * frag_overlap_conflict, for IPv4 as for IPv6 (RFC 5722 sec. 4): a
 * forensic tool must not pick one of two stories silently.
 *
 * The reassembler owns every pending datagram and the last completed one
 * (valid until the next push/expire/finish/free). Pending datagrams age
 * out on the capture clock; their memory is capped and the oldest is
 * evicted first. Counters go to anom->st, anomalies through anom. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "capture/anom.h"
#include "capture/frame.h"
#include "capture/ip.h"

#define CAP_DEFRAG_MEM_DEFAULT ((size_t)32 << 20) /* Suricata's memcap */
#define CAP_DEFRAG_TIMEOUT_DEFAULT_NS (30LL * 1000000000) /* Linux ipfrag_time */
#define CAP_DEFRAG_MAX_FRAGS 128 /* 64 KiB over a 576-byte MTU needs 119 */
#define CAP_DEFRAG_MAX_DATAGRAM 65535 /* IP length field (RFC 791, 8200) */
#define CAP_DEFRAG_TINY 24 /* first fragment smaller: RFC 1858 tiny fragment */

struct cap_defrag;

struct cap_defrag_out {
	const uint8_t *data;  /* fragmentable part: transport header onward
			       * (IPv6: may start with extension headers) */
	size_t len;
	uint8_t proto;        /* IPv4 protocol / IPv6 next header */
	uint32_t first_file;
	uint64_t first_frame; /* frame of the earliest fragment */
};

/* NULL if out of memory. anom is borrowed and must outlive d. */
struct cap_defrag *cap_defrag_new(size_t mem_max, int64_t timeout_ns,
				  struct cap_anom *anom);
/* Adds one fragment (ip->frag is true). Returns 1 and fills *out when it
 * completes a datagram, 0 when the datagram is still pending or the
 * fragment was rejected (anomaly reported), ST_ENOMEM. */
int cap_defrag_push(struct cap_defrag *d, const struct cap_ip *ip,
		    const struct cap_frame *f, struct cap_defrag_out *out);
/* Drops datagrams whose first fragment is older than the timeout at
 * capture time now_ns, reporting each (frag_timeout). */
void cap_defrag_expire(struct cap_defrag *d, int64_t now_ns);
/* Drops every pending datagram, reporting each (frag_incomplete). */
void cap_defrag_finish(struct cap_defrag *d);
size_t cap_defrag_mem(const struct cap_defrag *d);
void cap_defrag_free(struct cap_defrag *d);
