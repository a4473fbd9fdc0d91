/* capture/live.h -- frames from a network interface through libpcap.
 *
 * The live twin of capture/source.h: the same struct cap_frame comes out,
 * numbered 1, 2, ... in arrival order (file is always 0), stamped by the
 * kernel in nanoseconds. A cap_live owns its pcap handle. It never blocks:
 * the caller waits on cap_live_fd() (poll) and then calls
 * cap_live_dispatch(), so a driver can do timed work between packets. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "capture/frame.h"

#define CAP_LIVE_SNAPLEN_DEFAULT 65535        /* a whole DNS message over UDP */
#define CAP_LIVE_BUFFER_DEFAULT (32u << 20)   /* kernel ring: ~1 s at 100k small frames/s */
#define CAP_LIVE_FILTER_MAX 1024

struct cap_live_opts {
	const char *iface;      /* "lo", "eth0", "any" */
	const char *filter;     /* BPF; NULL for cap_live_default_filter() */
	int snaplen;            /* 0: CAP_LIVE_SNAPLEN_DEFAULT */
	int buffer_bytes;       /* 0: CAP_LIVE_BUFFER_DEFAULT */
	int immediate;          /* deliver each packet at once (findings within seconds) */
	int promisc;
};

/* What libpcap counted (pcap_stats): received by the filter, dropped by
 * the kernel for lack of buffer, dropped by the interface or driver. */
struct cap_live_stats {
	uint64_t recv, drop, ifdrop;
};

struct cap_live;

/* The default filter for ports (DNS ports, default {53}): UDP and TCP on
 * those ports, plus every IPv4 fragment after the first and every IPv6
 * datagram with a fragment header, which carry no port (RFC 791, RFC 8200
 * 4.5). Returns dst, or NULL when it does not fit. */
char *cap_live_default_filter(char *dst, size_t len, const uint16_t *ports, size_t nports);

/* Opens and activates. Returns ST_OK, ST_EIO (no such interface, capture
 * not permitted, interface down, other pcap failure), ST_EINVAL (the
 * filter does not compile) or ST_ENOMEM; err holds the sentence, naming
 * CAP_NET_RAW when permission was refused. */
int cap_live_open(struct cap_live **out, const struct cap_live_opts *o, char *err, size_t errlen);
/* A descriptor that becomes readable when frames wait. */
int cap_live_fd(const struct cap_live *l);
int cap_live_linktype(const struct cap_live *l);
int cap_live_snaplen(const struct cap_live *l);
/* Delivers at most max waiting frames (one kernel block at most) to
 * cb; never blocks. Returns the number delivered (0: none waiting), the
 * negative code cb returned (delivery stops there), or ST_EIO with err
 * filled when the interface went away. The frame is valid during cb. */
int cap_live_dispatch(struct cap_live *l, int max,
		      int (*cb)(void *ctx, const struct cap_frame *f), void *ctx,
		      char *err, size_t errlen);
/* Totals since the open, widened to 64 bits (call it at least once per
 * 2^32 packets). ST_OK and *st filled, or ST_EIO. */
int cap_live_stats(struct cap_live *l, struct cap_live_stats *st);
void cap_live_close(struct cap_live *l);
