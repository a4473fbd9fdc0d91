/* capture/tcpreasm.h -- DNS-over-TCP stream reassembly (RFC 7766, RFC 1035 4.2.2).
 *
 * One flow per 4-tuple, two directions each. A direction starts at the
 * ISN its SYN gave, or, picked up mid-way, at the first data segment seen
 * and then resynchronises on the first plausible message (2-byte length
 * >= 12, sane header counts, a first question that parses). Out-of-order
 * segments wait in a sorted list; retransmissions are counted; an overlap
 * with different bytes keeps the first bytes (first wins) and reports
 * tcp_overlap_conflict. A hole that never fills (pending data above the
 * per-direction cap, FIN, RST, idle timeout, eviction, end of input) is
 * skipped: tcp_gap, then resynchronisation. Bytes left when a direction
 * ends become a CAP_MSG_PARTIAL message if they look like the start of a
 * DNS message, else the anomaly tcp_trailing_junk.
 *
 * The reassembler owns every stream buffer; a message handed to the
 * handler points into one and is valid only during the callback. Memory
 * (buffers, held segments and flow state) is capped globally, per
 * direction and in flow count; idle flows age out on the capture clock. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "capture/anom.h"
#include "capture/frame.h"
#include "capture/ip.h"
#include "capture/pipeline.h"

#define CAP_TCP_MEM_DEFAULT ((size_t)64 << 20)
#define CAP_TCP_PENDING_DEFAULT ((size_t)128 << 10) /* >= 2 x (65535 + 2) */
#define CAP_TCP_IDLE_DEFAULT_NS (300LL * 1000000000) /* Zeek's TCP inactivity */
#define CAP_TCP_FLOWS_DEFAULT ((size_t)1 << 20)
#define CAP_TCP_MIN_MSG 12 /* a DNS header; shorter length prefixes are bad */
/* A segment further ahead than this is not part of the stream (windows
 * are at most 1 GiB, RFC 7323 2.3): ignored with tcp_seq_far. */
#define CAP_TCP_SEQ_AHEAD_MAX ((uint32_t)1 << 30)

enum cap_tcp_flags {
	CAP_TCP_FIN = 0x01, CAP_TCP_SYN = 0x02, CAP_TCP_RST = 0x04,
	CAP_TCP_ACK = 0x10,
};

struct cap_tcp_seg {
	uint16_t sport, dport;
	uint32_t seq;
	uint8_t flags;          /* enum cap_tcp_flags */
	const uint8_t *data;
	size_t len;
};

/* RFC 9293 3.1 header; ST_OK, ST_ETRUNC or ST_EMALF (data offset < 5). */
int cap_tcp_parse(const uint8_t *seg, size_t len, struct cap_tcp_seg *out);

struct cap_tcpreasm;

/* cfg, h and anom are borrowed and must outlive r. NULL on ENOMEM. */
struct cap_tcpreasm *cap_tcpreasm_new(const struct cap_config *cfg,
				      const struct cap_handler *h,
				      struct cap_anom *anom);
/* One segment of a DNS flow. Returns ST_OK, ST_ENOMEM, or the negative
 * code the handler returned. */
int cap_tcpreasm_push(struct cap_tcpreasm *r, const struct cap_ip *ip,
		      const struct cap_tcp_seg *s, const struct cap_frame *f,
		      uint16_t vlan);
/* Ends flows idle longer than the timeout at capture time now_ns. */
int cap_tcpreasm_expire(struct cap_tcpreasm *r, int64_t now_ns);
/* Ends every flow: partial messages and gaps are delivered / reported. */
int cap_tcpreasm_finish(struct cap_tcpreasm *r);
size_t cap_tcpreasm_mem(const struct cap_tcpreasm *r);
void cap_tcpreasm_free(struct cap_tcpreasm *r);
