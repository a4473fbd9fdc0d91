/* capture/source.h -- capture files in, frames out, merged by timestamp.
 *
 * A source owns every file it opened. Classic pcap (both byte orders,
 * micro- and nanosecond magic) is read through libpcap; pcapng is read by
 * sigtrail's own reader (capture/pcapng.c) because libpcap 1.10 refuses a
 * pcapng file whose interfaces have different link types, which is what
 * mergecap makes. Frames of several files come out in timestamp order
 * (ties keep file order); within one file, in file order. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "capture/frame.h"

/* What we learnt about one input file. status is ST_OK, ST_ETRUNC (file
 * cut off mid-record: every complete record before the cut was
 * delivered), ST_EFORMAT (not a capture file), ST_EIO (cannot open or
 * read), or ST_EMALF (structure broken past some point; records before it
 * delivered). error holds a sentence for the user when status != ST_OK. */
struct cap_file_info {
	const char *path;
	const char *format;      /* "pcap", "pcap-ns", "pcapng" */
	int linktype;            /* first interface's link type */
	uint32_t tsresol_ns;     /* first interface's resolution */
	uint64_t frames;         /* records delivered */
	uint64_t bytes;          /* captured bytes delivered */
	uint64_t file_size;
	int64_t first_ts_ns, last_ts_ns;
	int status;
	char error[256];
};

struct cap_source;

/* Opens every path. Returns ST_OK, or ST_ENOMEM. Files that cannot be
 * opened or are not captures do not fail the open: their info says why
 * (the command decides whether that is fatal). */
int cap_source_open(struct cap_source **out, const char *const *paths, size_t n);
/* Next frame in timestamp order: 1 and *f filled, 0 at the end of all
 * files, or a negative st_err (ST_ENOMEM) that stops everything. A file
 * that fails mid-way just ends; its info records why. */
int cap_source_next(struct cap_source *s, struct cap_frame *f);
/* Per-file information, valid until cap_source_close(). */
const struct cap_file_info *cap_source_files(const struct cap_source *s, size_t *n);
void cap_source_close(struct cap_source *s);
