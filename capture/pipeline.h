/* capture/pipeline.h -- frames in, DNS messages and anomalies out.
 *
 * The pipeline strips the link layer, reassembles IPv4/IPv6 fragments,
 * picks UDP datagrams and reassembles TCP streams on the DNS ports, and
 * calls the handler once per DNS message. It owns all reassembly state;
 * every piece of it is capped in memory and aged out on the capture's own
 * clock (never the wall clock), so memory stays flat on long captures. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "capture/frame.h"

#define CAP_MAX_PORTS 16

struct cap_config {
	uint16_t ports[CAP_MAX_PORTS]; /* DNS ports; default { 53 } */
	size_t nports;
	size_t frag_mem_max;           /* bytes; default CAP_DEFRAG_MEM_DEFAULT */
	int64_t frag_timeout_ns;       /* default 30 s */
	size_t tcp_mem_max;            /* all streams; default 64 MiB */
	size_t tcp_flow_max_pending;   /* per direction; default 128 KiB */
	int64_t tcp_idle_ns;           /* default 5 min */
	size_t tcp_flows_max;          /* default 1 M */
};

/* Counters the summary shows; anomalies are also reported one by one
 * through the handler. */
struct cap_stats {
	uint64_t frames, bytes;
	uint64_t linktype_unsupported, not_ip, not_dns_port;
	uint64_t ipv4, ipv6, udp, tcp;
	uint64_t frags, frag_datagrams, frag_timeouts, frag_overlaps,
		 frag_dups, frag_evicted;
	uint64_t tcp_segments, tcp_gaps, tcp_gap_bytes, tcp_retrans,
		 tcp_overlap_conflicts, tcp_flows, tcp_flows_evicted,
		 tcp_resyncs, tcp_partial;
	uint64_t tcp_resync_skipped;   /* bytes skipped looking for a message */
	uint64_t udp_cksum_bad, udp_len_mismatch, ip_malformed, link_malformed;
	uint64_t snaplen_cut, messages, anomalies;
};

void cap_config_defaults(struct cap_config *cfg);

struct cap_pipeline;

/* NULL when out of memory. cfg and h are copied. */
struct cap_pipeline *cap_pipeline_new(const struct cap_config *cfg,
				      const struct cap_handler *h);
/* Feeds one frame. Returns ST_OK, or the negative code the handler
 * returned, or ST_ENOMEM. Malformed frames are anomalies, not errors. */
int cap_pipeline_frame(struct cap_pipeline *p, const struct cap_frame *f);
/* End of input: delivers what TCP streams still hold as partial messages
 * and expires pending fragments, reporting each as an anomaly. */
int cap_pipeline_finish(struct cap_pipeline *p);
const struct cap_stats *cap_pipeline_stats(const struct cap_pipeline *p);
void cap_pipeline_free(struct cap_pipeline *p);
