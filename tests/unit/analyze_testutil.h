/* tests/unit/analyze_testutil.h -- helpers shared by the analyze/ unit
 * tests: base64 and hex decoding, and DNS wire names from text. Header-only
 * (static functions), so each test stays one file plus this. */
#pragma once
#include <ctype.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Decodes base64, skipping spaces; returns the length or -1. */
static inline int tu_b64(const char *s, uint8_t *out, size_t cap)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (; *s; s++) {
		if (isspace((unsigned char)*s))
			continue;
		if (*s == '=')
			break;
		const char *p = strchr(tab, *s);
		if (!p)
			return -1;
		acc = acc << 6 | (uint32_t)(p - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (int)n;
}

static inline int tu_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (*s) {
		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		unsigned v;
		if (sscanf(s, "%2x", &v) != 1 || n >= cap)
			return -1;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return (int)n;
}

/* "www.Example.net." or "www.example.net" -> wire form; returns length. */
static inline int tu_name(const char *text, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (*text && !(text[0] == '.' && text[1] == 0)) {
		const char *dot = strchr(text, '.');
		size_t l = dot ? (size_t)(dot - text) : strlen(text);
		if (l == 0 || l > 63 || n + l + 1 >= cap)
			return -1;
		out[n++] = (uint8_t)l;
		memcpy(out + n, text, l);
		n += l;
		text += l;
		if (*text == '.')
			text++;
	}
	if (n >= cap)
		return -1;
	out[n++] = 0;
	return (int)n;
}

#include "decode/name.h"

/* struct dec_name from text (case kept). */
static inline int tu_dname(const char *text, struct dec_name *n)
{
	int len = tu_name(text, n->wire, sizeof n->wire);
	if (len < 0)
		return -1;
	n->len = (uint8_t)len;
	n->labels = 0;
	for (int i = 0; n->wire[i]; i += 1 + n->wire[i])
		n->labels++;
	return 0;
}

/* One RR found in a wire message by tu_walk. */
struct tu_rr {
	uint16_t type, rclass, rdlen;
	uint32_t ttl;
	size_t owner_off, rdata_off;
};

static inline size_t tu_skip_name(const uint8_t *m, size_t len, size_t p)
{
	while (p < len) {
		if ((m[p] & 0xC0) == 0xC0)
			return p + 2;
		if (m[p] == 0)
			return p + 1;
		p += 1 + (size_t)m[p];
	}
	return len;
}

/* Walks a well-formed message (our own test input): returns how many
 * answer/authority/additional RRs were stored in rrs (at most cap). */
static inline size_t tu_walk(const uint8_t *m, size_t len, struct tu_rr *rrs, size_t cap)
{
	size_t qd = (size_t)m[4] << 8 | m[5];
	size_t rr = ((size_t)m[6] << 8 | m[7]) + ((size_t)m[8] << 8 | m[9]) +
		    ((size_t)m[10] << 8 | m[11]);
	size_t p = 12, n = 0;
	for (size_t i = 0; i < qd; i++)
		p = tu_skip_name(m, len, p) + 4;
	for (size_t i = 0; i < rr && p + 10 <= len && n < cap; i++) {
		struct tu_rr *r = &rrs[n++];
		r->owner_off = p;
		p = tu_skip_name(m, len, p);
		r->type = (uint16_t)(m[p] << 8 | m[p + 1]);
		r->rclass = (uint16_t)(m[p + 2] << 8 | m[p + 3]);
		r->ttl = (uint32_t)m[p + 4] << 24 | (uint32_t)m[p + 5] << 16 |
			 (uint32_t)m[p + 6] << 8 | m[p + 7];
		r->rdlen = (uint16_t)(m[p + 8] << 8 | m[p + 9]);
		r->rdata_off = p + 10;
		p += 10 + r->rdlen;
	}
	return n;
}
