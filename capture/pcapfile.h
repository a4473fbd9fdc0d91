/* capture/pcapfile.h -- classic pcap files through libpcap (private to
 * capture/).
 *
 * Both byte orders, micro- and nanosecond magic. libpcap is asked for
 * nanosecond stamps, so ts_ns is exact for both. The link type handed on is
 * the file's own LINKTYPE_* value (as in pcapng), not libpcap's DLT_*
 * mapping (LINKTYPE_RAW stays 101). The reader owns the FILE * it is given
 * (libpcap's pcap_close closes it) and libpcap owns the frame buffer: a
 * frame's data is valid until the next call.
 *
 * A record cut off by the end of the file: ST_ETRUNC with the frame
 * number and the byte offset where its record starts; libpcap's other
 * record errors (caplen beyond the maximum): ST_EMALF. A file holding only
 * the 24-byte header is a valid empty capture (ST_OK, 0 frames); one that
 * ends inside that header is ST_ETRUNC. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "capture/frame.h"
#include "capture/source.h"

#define CAP_PCAP_MAGIC_US    0xA1B2C3D4u
#define CAP_PCAP_MAGIC_NS    0xA1B23C4Du
#define CAP_PCAP_MAGIC_KUZ   0xA1B2CD34u /* Kuznetzov's patched format */

struct cap_pcapfile;

/* head: the first hlen (<= 24) bytes of the file, already read; f is
 * rewound to 0 here and owned by the reader from now on (closed on every
 * path). Returns ST_OK with *out set, or ST_OK with *out NULL and
 * info->status/error saying why the file cannot be read, or ST_ENOMEM.
 * Fills info->format, linktype, tsresol_ns. */
int cap_pcapfile_open(struct cap_pcapfile **out, FILE *f, const uint8_t *head,
		      size_t hlen, struct cap_file_info *info);
/* 1 and *fr filled (all but file), 0 at the end (info->status/error set
 * if it ended badly). */
int cap_pcapfile_next(struct cap_pcapfile *r, struct cap_frame *fr,
		      struct cap_file_info *info);
void cap_pcapfile_free(struct cap_pcapfile *r);
