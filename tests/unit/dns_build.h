/* tests/unit/dns_build.h -- a tiny DNS wire builder for the decode/ unit
 * tests (owned by decode/). Static buffer, no checks beyond the size:
 * tests craft hostile bytes on purpose. */
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bld {
	uint8_t b[70000];
	size_t n;
};

static inline void b_u8(struct bld *w, unsigned v)
{
	if (w->n < sizeof(w->b))
		w->b[w->n++] = (uint8_t)v;
}

static inline void b_u16(struct bld *w, unsigned v)
{
	b_u8(w, v >> 8);
	b_u8(w, v & 0xff);
}

static inline void b_u32(struct bld *w, uint32_t v)
{
	b_u16(w, v >> 16);
	b_u16(w, v & 0xffff);
}

static inline void b_bytes(struct bld *w, const void *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		b_u8(w, ((const uint8_t *)p)[i]);
}

/* "www.example.com" or "" / "." for the root; no escapes. */
static inline void b_name(struct bld *w, const char *dotted)
{
	const char *p = dotted;
	while (*p && !(p[0] == '.' && p[1] == '\0')) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		b_u8(w, (unsigned)len);
		b_bytes(w, p, len);
		p += len;
		if (*p == '.')
			p++;
	}
	b_u8(w, 0);
}

static inline void b_hdr(struct bld *w, unsigned id, unsigned flags, unsigned qd,
			 unsigned an, unsigned ns, unsigned ar)
{
	w->n = 0;
	b_u16(w, id);
	b_u16(w, flags);
	b_u16(w, qd);
	b_u16(w, an);
	b_u16(w, ns);
	b_u16(w, ar);
}

/* Owner, type, class, ttl, then a placeholder RDLENGTH; returns where
 * the RDATA starts, for b_rr_end(). */
static inline size_t b_rr(struct bld *w, const char *owner, unsigned type,
			  unsigned rclass, uint32_t ttl)
{
	b_name(w, owner);
	b_u16(w, type);
	b_u16(w, rclass);
	b_u32(w, ttl);
	b_u16(w, 0);
	return w->n;
}

static inline void b_rr_end(struct bld *w, size_t rdata_start)
{
	size_t len = w->n - rdata_start;
	w->b[rdata_start - 2] = (uint8_t)(len >> 8);
	w->b[rdata_start - 1] = (uint8_t)len;
}

/* Reads a whole file into a malloc'd buffer (NULL if absent). */
static inline uint8_t *b_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *buf = malloc(70000);
	*len = buf ? fread(buf, 1, 70000, f) : 0;
	fclose(f);
	return buf;
}

static inline int all_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}
