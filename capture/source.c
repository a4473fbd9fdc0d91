/* capture/source.c -- open capture files, sniff their format, merge their
 * frames by timestamp (see source.h).
 *
 * Each file keeps one frame read ahead (its data lives in that file's
 * reader buffer); next() delivers the earliest, lowest file index first on
 * ties, and advances that file on the following call. A linear scan over
 * the files is enough: a user merges a handful of them.
 *
 * Decisions: a pcap or pcapng file holding its header(s) and no record is
 * a valid empty capture (ST_OK, 0 frames); an empty file, a short or
 * unknown magic is ST_EFORMAT "not a capture file"; gzip, xz, bzip2 and
 * zstd magic get ST_EFORMAT "compressed capture: ... first". */
#include "capture/source.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/pcapfile.h"
#include "capture/pcapng.h"
#include "util/err.h"

#define CAP_SOURCE_BUFSZ (256u << 10) /* stdio buffer per file */

enum cap_kind { CAP_KIND_NONE, CAP_KIND_PCAP, CAP_KIND_PCAPNG };

struct cap_input {
	struct cap_file_info *info; /* in cap_source.infos */
	char *path;
	enum cap_kind kind;
	struct cap_pcapfile *pf;
	struct cap_pcapng *ng;
	char *vbuf;             /* stdio buffer, freed after the FILE */
	struct cap_frame cur;   /* read ahead, valid while have */
	bool have;
};

struct cap_source {
	size_t n;
	size_t advance;         /* file to read on the next call, or n */
	struct cap_input *in;
	struct cap_file_info *infos; /* one per file, handed out by files() */
};

static void src_say(struct cap_file_info *info, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void src_say(struct cap_file_info *info, int status, const char *fmt, ...)
{
	va_list ap;
	info->status = status;
	va_start(ap, fmt);
	vsnprintf(info->error, sizeof(info->error), fmt, ap);
	va_end(ap);
}

/* Name of a compression format from its magic, or NULL. */
static const char *src_compressed(const uint8_t *h, size_t n)
{
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		return "gzip: gunzip";
	if (n >= 4 && !memcmp(h, "\x28\xb5\x2f\xfd", 4))
		return "zstd: unzstd";
	if (n >= 5 && !memcmp(h, "\xfd" "7zXZ", 5))
		return "xz: unxz";
	if (n >= 3 && !memcmp(h, "BZh", 3))
		return "bzip2: bunzip2";
	return NULL;
}

/* Reads the next frame of file i into its read-ahead slot. */
static int src_fill(struct cap_input *in, uint32_t idx)
{
	int rc = 0;
	in->have = false;
	if (in->kind == CAP_KIND_PCAP)
		rc = cap_pcapfile_next(in->pf, &in->cur, in->info);
	else if (in->kind == CAP_KIND_PCAPNG)
		rc = cap_pcapng_next(in->ng, &in->cur, in->info);
	if (rc < 0)
		return rc;
	if (rc == 0) { /* done: release the file now */
		cap_pcapfile_free(in->pf);
		cap_pcapng_free(in->ng);
		in->pf = NULL;
		in->ng = NULL;
		free(in->vbuf);
		in->vbuf = NULL;
		in->kind = CAP_KIND_NONE;
		return ST_OK;
	}
	in->cur.file = idx;
	in->have = true;
	return ST_OK;
}

/* Opens one file and sniffs it; leaves kind NONE with info saying why
 * when it cannot be read. Only ST_ENOMEM is returned as an error. */
static int src_open_one(struct cap_input *in, const char *path)
{
	struct cap_file_info *info = in->info;
	info->format = "";
	FILE *f = fopen(path, "rb");
	if (!f) {
		src_say(info, ST_EIO, "cannot open: %s", strerror(errno));
		return ST_OK;
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0)
		info->file_size = (uint64_t)st.st_size;
	in->vbuf = malloc(CAP_SOURCE_BUFSZ);
	if (!in->vbuf) {
		fclose(f);
		return ST_ENOMEM;
	}
	setvbuf(f, in->vbuf, _IOFBF, CAP_SOURCE_BUFSZ);
	uint8_t head[24];
	size_t hlen = fread(head, 1, sizeof(head), f);
	if (ferror(f)) {
		src_say(info, ST_EIO, "cannot read: %s", strerror(errno));
		fclose(f);
		return ST_OK;
	}
	uint32_t m = hlen >= 4 ? (uint32_t)head[0] | (uint32_t)head[1] << 8 |
				 (uint32_t)head[2] << 16 | (uint32_t)head[3] << 24 : 0;
	uint32_t sm = __builtin_bswap32(m);
	const char *z = src_compressed(head, hlen);
	if (hlen >= 4 && m == CAP_PCAPNG_MAGIC) {
		info->format = "pcapng";
		if (fseek(f, 0, SEEK_SET) != 0) {
			src_say(info, ST_EIO, "cannot rewind: %s", strerror(errno));
			fclose(f);
			return ST_OK;
		}
		in->kind = CAP_KIND_PCAPNG;
		return cap_pcapng_open(&in->ng, f);
	}
	if (hlen >= 4 && (m == CAP_PCAP_MAGIC_US || m == CAP_PCAP_MAGIC_NS ||
			  m == CAP_PCAP_MAGIC_KUZ || sm == CAP_PCAP_MAGIC_US ||
			  sm == CAP_PCAP_MAGIC_NS || sm == CAP_PCAP_MAGIC_KUZ)) {
		int rc = cap_pcapfile_open(&in->pf, f, head, hlen, info);
		if (in->pf)
			in->kind = CAP_KIND_PCAP;
		return rc;
	}
	fclose(f);
	if (z)
		src_say(info, ST_EFORMAT, "compressed capture (%s it first)", z);
	else if (hlen == 0)
		src_say(info, ST_EFORMAT, "not a capture file: empty");
	else
		src_say(info, ST_EFORMAT, "not a capture file: no pcap or "
			"pcapng magic");
	return ST_OK;
}

int cap_source_open(struct cap_source **out, const char *const *paths, size_t n)
{
	*out = NULL;
	struct cap_source *s = calloc(1, sizeof(*s));
	if (!s)
		return ST_ENOMEM;
	s->n = n;
	s->advance = n;
	s->in = calloc(n ? n : 1, sizeof(*s->in));
	s->infos = calloc(n ? n : 1, sizeof(*s->infos));
	if (!s->in || !s->infos) {
		cap_source_close(s);
		return ST_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct cap_input *in = &s->in[i];
		in->info = &s->infos[i];
		in->path = strdup(paths[i]);
		in->info->path = in->path;
		if (!in->path) {
			cap_source_close(s);
			return ST_ENOMEM;
		}
		int rc = src_open_one(in, paths[i]);
		if (rc == ST_OK)
			rc = src_fill(in, (uint32_t)i);
		if (rc < 0) {
			cap_source_close(s);
			return rc;
		}
	}
	*out = s;
	return ST_OK;
}

int cap_source_next(struct cap_source *s, struct cap_frame *f)
{
	if (s->advance < s->n) {
		int rc = src_fill(&s->in[s->advance], (uint32_t)s->advance);
		s->advance = s->n;
		if (rc < 0)
			return rc;
	}
	size_t best = s->n;
	for (size_t i = 0; i < s->n; i++) {
		if (!s->in[i].have)
			continue;
		if (best == s->n || s->in[i].cur.ts_ns < s->in[best].cur.ts_ns)
			best = i;
	}
	if (best == s->n)
		return 0;
	*f = s->in[best].cur;
	s->advance = best;
	struct cap_file_info *info = s->in[best].info;
	if (info->frames == 0)
		info->first_ts_ns = f->ts_ns;
	info->last_ts_ns = f->ts_ns;
	info->frames++;
	info->bytes += f->caplen;
	return 1;
}

const struct cap_file_info *cap_source_files(const struct cap_source *s, size_t *n)
{
	*n = s->n;
	return s->infos;
}

void cap_source_close(struct cap_source *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->in && i < s->n; i++) {
		struct cap_input *in = &s->in[i];
		cap_pcapfile_free(in->pf);
		cap_pcapng_free(in->ng);
		free(in->vbuf);
		free(in->path);
	}
	free(s->in);
	free(s->infos);
	free(s);
}
