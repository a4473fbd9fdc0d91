/* capture/evidence.c -- evidence pcap writer with a ring of recent frames
 * (see evidence.h). */
#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "capture/evidence.h"
#include "util/err.h"

/* One frame in the ring. Its bytes start at the virtual offset voff of a
 * byte stream laid round the buffer; they are intact while the stream's
 * head has moved less than CAP_EVIDENCE_RING_BYTES past voff. */
struct ev_slot {
	uint64_t number;         /* 0: empty */
	uint64_t voff;
	int64_t ts_ns;
	uint32_t caplen, len;
	int written;
};

struct cap_evidence {
	char *path;
	pcap_t *dead;
	pcap_dumper_t *dump;
	uint64_t max_bytes;
	unsigned keep;
	struct ev_slot *slots;
	uint8_t *bytes;
	uint64_t head;           /* virtual offset of the next byte */
	struct cap_evidence_stats st;
};

static int ev_open_file(struct cap_evidence *e, char *err, size_t errlen)
{
	e->dump = pcap_dump_open_append(e->dead, e->path);
	if (!e->dump) {
		snprintf(err, errlen, "%s: %s", e->path, pcap_geterr(e->dead));
		return ST_EIO;
	}
	return ST_OK;
}

int cap_evidence_open(struct cap_evidence **out, const char *path, int linktype, int snaplen,
		      uint64_t max_bytes, unsigned keep, char *err, size_t errlen)
{
	*out = NULL;
	struct cap_evidence *e = calloc(1, sizeof(*e));
	if (e) {
		e->path = strdup(path);
		e->slots = calloc(CAP_EVIDENCE_RING_FRAMES, sizeof(*e->slots));
		e->bytes = malloc(CAP_EVIDENCE_RING_BYTES);
		e->dead = pcap_open_dead_with_tstamp_precision(linktype, snaplen,
							       PCAP_TSTAMP_PRECISION_NANO);
	}
	if (!e || !e->path || !e->slots || !e->bytes || !e->dead) {
		cap_evidence_free(e);
		snprintf(err, errlen, "out of memory");
		return ST_ENOMEM;
	}
	/* Touch the ring now: its memory is the process's from the start, so
	 * RSS does not creep up for minutes while the ring fills. */
	memset(e->bytes, 0, CAP_EVIDENCE_RING_BYTES);
	memset(e->slots, 0, CAP_EVIDENCE_RING_FRAMES * sizeof(*e->slots));
	e->max_bytes = max_bytes ? max_bytes : CAP_EVIDENCE_MAX_BYTES_DEFAULT;
	e->keep = keep ? keep : CAP_EVIDENCE_KEEP_DEFAULT;
	int rc = ev_open_file(e, err, errlen);
	if (rc != ST_OK) {
		cap_evidence_free(e);
		return rc;
	}
	*out = e;
	return ST_OK;
}

void cap_evidence_keep(struct cap_evidence *e, const struct cap_frame *f)
{
	uint32_t n = f->caplen < CAP_EVIDENCE_RING_BYTES ? f->caplen : CAP_EVIDENCE_RING_BYTES;
	uint64_t phys = e->head % CAP_EVIDENCE_RING_BYTES;
	if (phys + n > CAP_EVIDENCE_RING_BYTES) /* keep each frame contiguous */
		e->head += CAP_EVIDENCE_RING_BYTES - phys;
	struct ev_slot *s = &e->slots[f->number % CAP_EVIDENCE_RING_FRAMES];
	*s = (struct ev_slot){ f->number, e->head, f->ts_ns, n, f->len, 0 };
	memcpy(e->bytes + e->head % CAP_EVIDENCE_RING_BYTES, f->data, n);
	e->head += n;
}

static struct ev_slot *ev_find(struct cap_evidence *e, uint64_t number)
{
	struct ev_slot *s = &e->slots[number % CAP_EVIDENCE_RING_FRAMES];
	if (s->number != number || e->head - s->voff > CAP_EVIDENCE_RING_BYTES)
		return NULL;
	return s;
}

/* FILE.k -> FILE.k+1 for k = keep-1 .. 1, FILE -> FILE.1, new FILE. */
static int ev_rotate(struct cap_evidence *e, char *err, size_t errlen)
{
	char from[PATH_MAX], to[PATH_MAX];
	pcap_dump_close(e->dump);
	e->dump = NULL;
	for (unsigned k = e->keep; k >= 1; k--) {
		if (k == 1)
			snprintf(from, sizeof(from), "%s", e->path);
		else
			snprintf(from, sizeof(from), "%s.%u", e->path, k - 1);
		snprintf(to, sizeof(to), "%s.%u", e->path, k);
		if (rename(from, to) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "%s: cannot rotate: %s", from, strerror(errno));
			return ST_EIO;
		}
	}
	e->st.rotations++;
	return ev_open_file(e, err, errlen);
}

static int ev_write(struct cap_evidence *e, struct ev_slot *s, char *err, size_t errlen)
{
	int64_t size = pcap_dump_ftell64(e->dump);
	if (size > 24 && (uint64_t)size + s->caplen + 16 > e->max_bytes) {
		int rc = ev_rotate(e, err, errlen);
		if (rc != ST_OK)
			return rc;
	}
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(s->ts_ns / 1000000000);
	h.ts.tv_usec = (suseconds_t)(s->ts_ns % 1000000000); /* ns: nanosecond file */
	h.caplen = s->caplen;
	h.len = s->len;
	pcap_dump((u_char *)e->dump, &h, e->bytes + s->voff % CAP_EVIDENCE_RING_BYTES);
	s->written = 1;
	e->st.written++;
	e->st.bytes += s->caplen;
	return ST_OK;
}

int cap_evidence_mark(struct cap_evidence *e, uint64_t first, uint64_t last, char *err, size_t errlen)
{
	if (!e->dump) {
		snprintf(err, errlen, "%s: not open", e->path);
		return ST_EIO;
	}
	if (first == 0 || first > last)
		first = last;
	for (uint64_t n = first; n <= last; n++) {
		if (last - first >= CAP_EVIDENCE_RANGE_MAX && n == first + 1)
			n = last; /* long TCP stream: its first and last frame */
		struct ev_slot *s = ev_find(e, n);
		if (!s) {
			e->st.missed++;
			continue;
		}
		if (s->written)
			continue;
		int rc = ev_write(e, s, err, errlen);
		if (rc != ST_OK)
			return rc;
	}
	return ST_OK;
}

int cap_evidence_flush(struct cap_evidence *e)
{
	return e->dump && pcap_dump_flush(e->dump) != 0 ? ST_EIO : ST_OK;
}

int cap_evidence_reopen(struct cap_evidence *e, char *err, size_t errlen)
{
	if (e->dump)
		pcap_dump_close(e->dump);
	e->dump = NULL;
	return ev_open_file(e, err, errlen);
}

const struct cap_evidence_stats *cap_evidence_stats(const struct cap_evidence *e)
{
	return &e->st;
}

void cap_evidence_free(struct cap_evidence *e)
{
	if (!e)
		return;
	if (e->dump)
		pcap_dump_close(e->dump);
	if (e->dead)
		pcap_close(e->dead);
	free(e->slots);
	free(e->bytes);
	free(e->path);
	free(e);
}
