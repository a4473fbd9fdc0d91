/* capture/frame.h -- what capture/ hands to the rest of sigtrail.
 *
 * A frame is one record of a capture file (or of a live interface); a
 * message is one DNS message cut out of one or more frames, with where and
 * when it was seen. Both point into buffers owned by capture/ and are valid
 * only during the callback (or until the next cap_source_next()); copy
 * what must outlive that. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One capture record. number is 1-based within its own file, the way
 * tshark and Wireshark number frames; file is the index of the file in the
 * order the user gave them. ts_ns is nanoseconds since the Unix epoch
 * (int64 holds until 2262); tsresol_ns is the resolution of the clock that
 * stamped it (1000 for microsecond pcap, 1 for nanosecond pcap). */
struct cap_frame {
	int64_t ts_ns;
	uint32_t tsresol_ns;
	uint32_t file;
	uint64_t number;
	int linktype;          /* LINKTYPE_* / DLT_* value of this frame */
	uint32_t caplen, len;  /* bytes captured, bytes on the wire */
	const uint8_t *data;   /* caplen bytes */
};

enum cap_transport { CAP_UDP = 17, CAP_TCP = 6 };

struct cap_endpoint {
	uint8_t family;      /* 4 or 6 */
	uint8_t addr[16];    /* IPv4 uses the first 4 bytes */
	uint16_t port;
};

/* Flags on a message: how it was carried and what it survived. */
enum cap_msg_flags {
	CAP_MSG_FRAGMENTED = 1 << 0, /* IP datagram reassembled from fragments */
	CAP_MSG_SEGMENTED  = 1 << 1, /* TCP: message spans several segments */
	CAP_MSG_SNAPLEN    = 1 << 2, /* frame cut by snaplen: message incomplete */
	CAP_MSG_RESYNCED   = 1 << 3, /* TCP: found after a gap by resynchronising */
	CAP_MSG_PARTIAL    = 1 << 4, /* TCP: stream ended before the message did */
	CAP_MSG_CKSUM_BAD  = 1 << 5, /* UDP checksum present and wrong */
};

/* One DNS message. frame is the frame that completed it (the one tshark
 * shows the DNS in); first_frame the frame its first byte came in (equal
 * to frame for a plain UDP datagram). */
struct cap_msg {
	int64_t ts_ns;
	uint32_t tsresol_ns;
	uint32_t file;
	uint64_t frame, first_frame;
	struct cap_endpoint src, dst;
	uint8_t transport;   /* enum cap_transport */
	uint16_t vlan;       /* outermost 802.1Q/802.1ad VLAN id, 0 if none */
	uint32_t flags;      /* enum cap_msg_flags */
	const uint8_t *wire; /* the DNS message, without the TCP length prefix */
	size_t len;
};

/* Anomaly kinds are static snake_case strings ("ipv4_frag_overlap",
 * "tcp_gap", "linktype_unsupported", ...), listed in docs/anomalies.md.
 * detail is ASCII that capture/ composed itself, never packet bytes. */
struct cap_handler {
	void *ctx;
	/* Return ST_OK to go on, a negative st_err to stop the pipeline. */
	int (*on_message)(void *ctx, const struct cap_msg *m);
	void (*on_anomaly)(void *ctx, uint32_t file, uint64_t frame,
			   const char *kind, const char *detail);
};
