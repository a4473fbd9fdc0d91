/* capture/pcapng.h -- sigtrail's own pcapng reader (private to capture/).
 *
 * Why our own: libpcap 1.10 refuses a pcapng file whose interfaces have
 * different link types, which is what mergecap makes. This reader handles
 * several sections in either byte order, per-interface link type, snaplen,
 * if_tsresol (10^-k, k <= 19, or 2^-k, k <= 63) and if_tsoffset, and
 * Enhanced, Simple and obsolete Packet Blocks. Every other block type is
 * skipped by its length; custom blocks (0xBAD, 0x40000BAD) and systemd
 * journal blocks still take a frame number, because tshark numbers them
 * as frames. A Simple Packet Block has no timestamp: it gets the previous
 * frame's (0 if first), which keeps file order when merging.
 *
 * The reader owns the FILE * it is given (closed by cap_pcapng_free) and
 * one block buffer that grows to the largest block seen (at most
 * CAP_PCAPNG_BLOCK_MAX): a frame's data points into it and is valid until
 * the next call. Reading goes through stdio's buffer, block by block; the
 * file is never loaded whole.
 *
 * A block that contradicts itself stops the file: status ST_EMALF and a
 * sentence in info->error. A file that ends inside a block: ST_ETRUNC. */
#pragma once
#include <stdint.h>
#include <stdio.h>
#include "capture/frame.h"
#include "capture/source.h"

#define CAP_PCAPNG_BLOCK_MAX (16u << 20) /* bytes in one block */
#define CAP_PCAPNG_IF_MAX    1024        /* interfaces in one section */
#define CAP_PCAPNG_MAGIC     0x0A0D0D0Au /* Section Header Block type */

struct cap_pcapng;

/* Takes f (positioned at the start of the file; closed on every path).
 * Returns ST_OK or ST_ENOMEM. The first block is read by the first
 * cap_pcapng_next(). */
int cap_pcapng_open(struct cap_pcapng **out, FILE *f);
/* 1 and *fr filled (number, ts_ns, tsresol_ns, linktype, caplen, len,
 * data; not file), 0 at the end of the file (info->status/error set if it
 * ended badly), or ST_ENOMEM. info->linktype and tsresol_ns are set from
 * the first interface when it is read. */
int cap_pcapng_next(struct cap_pcapng *r, struct cap_frame *fr,
		    struct cap_file_info *info);
void cap_pcapng_free(struct cap_pcapng *r);
