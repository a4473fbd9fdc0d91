/* decode/name.c -- DNS names: decompression, presentation, canonical order
 * (see name.h for the rules).
 *
 * Termination of decompression comes from the pointer rule alone: each
 * pointer must land strictly before the start of the label sequence that
 * holds it (the name's start, then each previous target), so targets
 * strictly decrease and a name can jump at most msg_len/2 times. This is
 * BIND's `pointer >= marker` check and knot's dname_wire_check. */
#include <string.h>
#include "decode/name.h"
#include "util/escape.h"

#define DNS_HEADER_LEN 12

static int name_fail(struct st_cur *c, int err, const char **why, const char *reason)
{
	if (c->err == ST_OK)
		c->err = err;
	if (why)
		*why = reason;
	return err;
}

/* Appends one label (length byte + bytes) to out; 255 bytes total, root
 * label included, is the RFC 1035 3.1 limit. */
static int name_append(struct dec_name *out, const uint8_t *label, uint8_t llen)
{
	if ((size_t)out->len + 1 + llen + 1 > DEC_NAME_MAX)
		return -1;
	out->wire[out->len] = llen;
	memcpy(out->wire + out->len + 1, label, llen);
	out->len = (uint8_t)(out->len + 1 + llen);
	out->labels++;
	return 0;
}

/* RFC 1035 4.1.4 message compression, with the strict backwards rule. */
int dec_name_read(struct st_cur *c, struct dec_name *out, const char **why)
{
	out->len = 0;
	out->labels = 0;
	if (c->err != ST_OK)
		return name_fail(c, c->err, why, "read after an earlier error");
	const uint8_t *msg = c->msg;
	size_t pos = c->pos, end = c->end, marker = c->pos, after = 0;
	int jumped = 0;
	for (;;) {
		if (pos >= end)
			return name_fail(c, ST_ETRUNC, why, "name runs past the end");
		uint8_t b = msg[pos];
		if ((b & 0xc0) == 0xc0) {
			if (end - pos < 2)
				return name_fail(c, ST_ETRUNC, why, "name runs past the end");
			size_t ptr = (size_t)(b & 0x3f) << 8 | msg[pos + 1];
			if (ptr < DNS_HEADER_LEN)
				return name_fail(c, ST_EMALF, why, "compression pointer into the header");
			if (ptr >= marker)
				return name_fail(c, ST_EMALF, why, "compression pointer not backwards");
			if (!jumped)
				after = pos + 2;
			jumped = 1;
			marker = pos = ptr;
			end = c->msg_len; /* targets may lie anywhere earlier */
			continue;
		}
		if (b & 0xc0)
			return name_fail(c, ST_EMALF, why, "bad label type (0x40/0x80)");
		if (b == 0)
			break;
		if (end - pos - 1 < b)
			return name_fail(c, ST_ETRUNC, why, "label runs past the end");
		if (name_append(out, msg + pos + 1, b) != 0)
			return name_fail(c, ST_EMALF, why, "name longer than 255 bytes");
		pos += 1 + (size_t)b;
	}
	out->wire[out->len++] = 0;
	c->pos = jumped ? after : pos + 1;
	return ST_OK;
}

size_t dec_name_to_text(const struct dec_name *n, char *dst, size_t dstlen)
{
	if (dstlen == 0)
		return 0;
	size_t w = 0, i = 0;
	dst[0] = '\0';
	if (n->len <= 1) {
		if (dstlen > 1) {
			dst[0] = '.';
			dst[1] = '\0';
			w = 1;
		}
		return w;
	}
	while (i < n->len && n->wire[i] != 0) {
		uint8_t llen = n->wire[i];
		if (llen > n->len - i - 1)
			break; /* a struct we did not fill: stop, never overrun */
		size_t full = st_escape_label(dst + w, dstlen - w, n->wire + i + 1, llen);
		if (full >= dstlen - w) {
			w = dstlen - 1; /* truncated; NUL already written */
			return w;
		}
		w += full;
		if (w + 1 < dstlen) {
			dst[w++] = '.';
			dst[w] = '\0';
		}
		i += 1 + (size_t)llen;
	}
	return w;
}

static inline uint8_t lower(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') ? (uint8_t)(b + 32) : b;
}

/* Offsets of each label's length byte; returns the label count. */
static int label_offsets(const struct dec_name *n, uint8_t off[128])
{
	int k = 0;
	size_t i = 0;
	while (i < n->len && n->wire[i] != 0 && k < 128) {
		off[k++] = (uint8_t)i;
		i += 1 + (size_t)n->wire[i];
	}
	return k;
}

/* RFC 4034 6.1: compare the rightmost labels first, each label as a
 * lowercased octet string where a shorter prefix sorts first. */
int dec_name_cmp(const struct dec_name *a, const struct dec_name *b)
{
	uint8_t oa[128], ob[128];
	int na = label_offsets(a, oa), nb = label_offsets(b, ob);
	while (na > 0 && nb > 0) {
		const uint8_t *la = a->wire + oa[--na], *lb = b->wire + ob[--nb];
		size_t n = la[0] < lb[0] ? la[0] : lb[0];
		for (size_t i = 1; i <= n; i++) {
			if ((size_t)(la - a->wire) + i >= a->len ||
			    (size_t)(lb - b->wire) + i >= b->len)
				return 0; /* malformed struct: treat as equal */
			int d = lower(la[i]) - lower(lb[i]);
			if (d)
				return d;
		}
		if (la[0] != lb[0])
			return la[0] < lb[0] ? -1 : 1;
	}
	return na - nb;
}

/* Length bytes are at most 63, below 'A', so lowering the whole wire is
 * safe (RFC 4034 6.2). */
void dec_name_lower(struct dec_name *n)
{
	for (size_t i = 0; i < n->len && i < DEC_NAME_MAX; i++)
		n->wire[i] = lower(n->wire[i]);
}

int dec_name_is_subdomain(const struct dec_name *child, const struct dec_name *parent)
{
	if (child->len < parent->len)
		return 0;
	uint8_t oc[128], op[128];
	int nc = label_offsets(child, oc), np = label_offsets(parent, op);
	if (nc < np)
		return 0;
	if (np == 0)
		return 1; /* everything is under the root */
	size_t start = oc[nc - np];
	if ((size_t)child->len - start != parent->len)
		return 0;
	for (size_t i = 0; i < parent->len; i++)
		if (lower(child->wire[start + i]) != lower(parent->wire[i]))
			return 0;
	return 1;
}
