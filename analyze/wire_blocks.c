/* analyze/wire_blocks.c -- see wire_blocks.h. */
#include "analyze/wire_blocks.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"

int an_wire_block_add(struct an_wire_block *b, int64_t id, const uint8_t *wire, size_t len)
{
	if (b->n && id != b->first_id + b->n)
		return ST_EINVAL;
	if (len > AN_WIRE_ENTRY_MAX)
		len = AN_WIRE_ENTRY_MAX;
	if (b->len + 2 + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + 2 + len)
			cap *= 2;
		uint8_t *p = realloc(b->buf, cap);
		if (!p)
			return ST_ENOMEM;
		b->buf = p;
		b->cap = cap;
	}
	if (!b->n)
		b->first_id = id;
	b->buf[b->len] = (uint8_t)(len >> 8);
	b->buf[b->len + 1] = (uint8_t)len;
	if (len)
		memcpy(b->buf + b->len + 2, wire, len);
	b->len += 2 + len;
	b->n++;
	return ST_OK;
}

int an_wire_block_full(const struct an_wire_block *b)
{
	return b->n >= AN_WIRE_BLOCK_MSGS || b->len >= AN_WIRE_BLOCK_BYTES;
}

int64_t an_wire_block_next_id(const struct an_wire_block *b)
{
	return b->first_id + b->n;
}

void an_wire_block_clear(struct an_wire_block *b)
{
	b->n = 0;
	b->len = 0;
	b->first_id = 0;
}

void an_wire_block_free(struct an_wire_block *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

int an_wire_block_entry(const uint8_t *blob, size_t bloblen, int64_t k,
			const uint8_t **out, size_t *outlen)
{
	size_t off = 0;
	if (!blob || k < 0 || k >= AN_WIRE_BLOCK_MSGS)
		return 0;
	for (int64_t i = 0;; i++) {
		if (off > bloblen || bloblen - off < 2)
			return 0;
		size_t len = (size_t)blob[off] << 8 | blob[off + 1];
		if (len > bloblen - off - 2)
			return 0;
		if (i == k) {
			*out = blob + off + 2;
			*outlen = len;
			return 1;
		}
		off += 2 + len;
	}
}
