/* capture/pcapfile.c -- classic pcap records through libpcap (see
 * pcapfile.h). We track each record's byte offset ourselves (24-byte file
 * header, then 16-byte record header + caplen) so a cut record can be
 * named by offset without a syscall per frame. */
#include "capture/pcapfile.h"

#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

struct cap_pcapfile {
	pcap_t *p;
	FILE *f;          /* pcap_file(p); libpcap closes it */
	uint64_t off;     /* byte offset of the next record */
	uint64_t frame;   /* records delivered */
	uint32_t rechdr;  /* record header bytes: 16, or 24 (Kuznetzov) */
	uint32_t snap;    /* libpcap's snapshot: caplen above it is cut */
	uint32_t resol_ns;
	int linktype;
};

static void pf_say(struct cap_file_info *info, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void pf_say(struct cap_file_info *info, int status, const char *fmt, ...)
{
	va_list ap;
	info->status = status;
	va_start(ap, fmt);
	vsnprintf(info->error, sizeof(info->error), fmt, ap);
	va_end(ap);
}

static uint32_t pf_u32(const uint8_t *p, bool swap)
{
	if (swap)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

int cap_pcapfile_open(struct cap_pcapfile **out, FILE *f, const uint8_t *head,
		      size_t hlen, struct cap_file_info *info)
{
	*out = NULL;
	if (hlen < 24) {
		fclose(f);
		pf_say(info, ST_ETRUNC, "capture truncated inside its pcap file "
		       "header (%zu of 24 bytes)", hlen);
		return ST_OK;
	}
	/* Files written little-endian read as the magic with swap == false. */
	uint32_t m = pf_u32(head, false);
	bool swap = !(m == CAP_PCAP_MAGIC_US || m == CAP_PCAP_MAGIC_NS ||
		      m == CAP_PCAP_MAGIC_KUZ);
	m = pf_u32(head, swap);
	struct cap_pcapfile *r = calloc(1, sizeof(*r));
	if (!r) {
		fclose(f);
		return ST_ENOMEM;
	}
	r->resol_ns = m == CAP_PCAP_MAGIC_NS ? 1 : 1000;
	r->rechdr = m == CAP_PCAP_MAGIC_KUZ ? 24 : 16;
	r->linktype = (int)(pf_u32(head + 20, swap) & 0x03FFFFFF);
	r->off = 24;
	info->format = m == CAP_PCAP_MAGIC_NS ? "pcap-ns" : "pcap";
	info->linktype = r->linktype;
	info->tsresol_ns = r->resol_ns;

	char errbuf[PCAP_ERRBUF_SIZE] = "";
	if (fseek(f, 0, SEEK_SET) != 0) {
		pf_say(info, ST_EIO, "cannot rewind: %s", strerror(errno));
		fclose(f);
		free(r);
		return ST_OK;
	}
	r->p = pcap_fopen_offline_with_tstamp_precision(f,
			PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!r->p) {
		fclose(f);
		free(r);
		pf_say(info, strstr(errbuf, "truncated") ? ST_ETRUNC : ST_EFORMAT,
		       "%s", errbuf);
		return ST_OK;
	}
	r->f = f;
	int snap = pcap_snapshot(r->p);
	r->snap = snap > 0 ? (uint32_t)snap : UINT32_MAX;
	*out = r;
	return ST_OK;
}

int cap_pcapfile_next(struct cap_pcapfile *r, struct cap_frame *fr,
		      struct cap_file_info *info)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(r->p, &h, &data);
	if (rc == 1) {
		fr->number = ++r->frame;
		/* The file's seconds are unsigned 32-bit (to 2106); libpcap
		 * reads them signed. */
		fr->ts_ns = (int64_t)(uint32_t)h->ts.tv_sec * 1000000000 +
			    (int64_t)h->ts.tv_usec;
		fr->tsresol_ns = r->resol_ns;
		fr->linktype = r->linktype;
		fr->caplen = h->caplen;
		fr->len = h->len;
		fr->data = data;
		if (h->caplen < r->snap) {
			r->off += r->rechdr + h->caplen;
		} else { /* libpcap may have skipped bytes past its snapshot */
			long pos = ftell(r->f);
			r->off = pos >= 0 ? (uint64_t)pos : r->off + r->rechdr +
				 h->caplen;
		}
		return 1;
	}
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	const char *msg = pcap_geterr(r->p);
	if (strstr(msg, "truncated dump file"))
		pf_say(info, ST_ETRUNC, "capture truncated: frame %" PRIu64
		       " cut off (record at byte offset %" PRIu64 ", file ends "
		       "at %" PRIu64 ")", r->frame + 1, r->off, info->file_size);
	else if (strstr(msg, "error reading"))
		pf_say(info, ST_EIO, "frame %" PRIu64 " at byte offset %" PRIu64
		       ": %s", r->frame + 1, r->off, msg);
	else
		pf_say(info, ST_EMALF, "frame %" PRIu64 " at byte offset %"
		       PRIu64 ": %s", r->frame + 1, r->off, msg);
	return 0;
}

void cap_pcapfile_free(struct cap_pcapfile *r)
{
	if (!r)
		return;
	if (r->p)
		pcap_close(r->p);
	free(r);
}
