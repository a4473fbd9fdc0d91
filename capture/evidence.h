/* capture/evidence.h -- the frames behind each finding, kept in a pcap.
 *
 * A live capture's frames are gone once the span port has moved on, so
 * the frames that carried a bogus check or a finding are written to an
 * evidence file. The validator decides after the frame has passed (and a
 * response may wait for its keys), so every frame is first copied into a
 * ring of the last CAP_EVIDENCE_RING_FRAMES frames (at most
 * CAP_EVIDENCE_RING_BYTES); cap_evidence_mark() then writes a range of
 * frame numbers still in the ring, each frame at most once.
 *
 * The file rotates by size: when it passes max_bytes it becomes FILE.1
 * (FILE.1 becomes FILE.2, ...; the oldest beyond keep is removed) and a
 * new FILE starts. An existing FILE is appended to, so evidence survives
 * a restart; cap_evidence_reopen() closes and reopens it (after
 * logrotate, on SIGHUP). The writer owns its ring and its pcap handles. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "capture/frame.h"

#define CAP_EVIDENCE_RING_FRAMES 65536
#define CAP_EVIDENCE_RING_BYTES (32u << 20)
#define CAP_EVIDENCE_MAX_BYTES_DEFAULT (100u << 20)
#define CAP_EVIDENCE_KEEP_DEFAULT 10
#define CAP_EVIDENCE_RANGE_MAX 64   /* frames written for one message at most */

struct cap_evidence_stats {
	uint64_t written, bytes;   /* frames and bytes written */
	uint64_t missed;           /* asked for but already out of the ring */
	uint64_t rotations;
};

struct cap_evidence;

/* Opens (appends to) path for frames of linktype with snaplen. max_bytes
 * 0: CAP_EVIDENCE_MAX_BYTES_DEFAULT; keep 0: CAP_EVIDENCE_KEEP_DEFAULT.
 * Returns ST_OK, ST_EIO (err says why) or ST_ENOMEM. */
int cap_evidence_open(struct cap_evidence **out, const char *path, int linktype, int snaplen,
		      uint64_t max_bytes, unsigned keep, char *err, size_t errlen);
/* Copies one frame into the ring (frames come in number order). */
void cap_evidence_keep(struct cap_evidence *e, const struct cap_frame *f);
/* Writes frames first..last (numbers, inclusive) that are still in the
 * ring and not yet written; a range longer than CAP_EVIDENCE_RANGE_MAX
 * keeps only its two ends. ST_OK or ST_EIO (err filled). */
int cap_evidence_mark(struct cap_evidence *e, uint64_t first, uint64_t last, char *err, size_t errlen);
/* Pushes what was written to the file. ST_OK or ST_EIO. */
int cap_evidence_flush(struct cap_evidence *e);
/* Closes and reopens the file (SIGHUP). ST_OK or ST_EIO (err filled). */
int cap_evidence_reopen(struct cap_evidence *e, char *err, size_t errlen);
const struct cap_evidence_stats *cap_evidence_stats(const struct cap_evidence *e);
void cap_evidence_free(struct cap_evidence *e);
