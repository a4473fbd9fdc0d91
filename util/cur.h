/* util/cur.h -- the one checked door through which packet bytes are read.
 *
 * Every read of hostile bytes (frames, IP, TCP, DNS wire format) goes
 * through a cursor. A failed read sets a sticky error and returns zeros, so
 * a parser reads a run of fields and checks c->err once (knot's wire_ctx,
 * tcpdump's GET_* macros). For each length-prefixed item carve a
 * sub-cursor with st_cur_sub(): it moves the parent past the item and stops
 * the child at its end. The cursor never owns the bytes. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "util/err.h"

struct st_cur {
	const uint8_t *msg; /* whole buffer: DNS compression pointers index it */
	size_t msg_len;
	size_t pos;         /* next byte to read, as an offset into msg */
	size_t end;         /* this cursor may not read at or past msg[end] */
	int err;            /* ST_OK until the first failed read, then sticky */
};

static inline struct st_cur st_cur_make(const uint8_t *buf, size_t len)
{
	struct st_cur c = { buf, len, 0, len, ST_OK };
	return c;
}

static inline size_t st_cur_left(const struct st_cur *c)
{
	return c->err == ST_OK ? c->end - c->pos : 0;
}

static inline bool st_cur_need(struct st_cur *c, size_t n)
{
	if (c->err == ST_OK && c->end - c->pos < n)
		c->err = ST_ETRUNC;
	return c->err == ST_OK;
}

static inline uint8_t st_cur_u8(struct st_cur *c)
{
	if (!st_cur_need(c, 1))
		return 0;
	return c->msg[c->pos++];
}

static inline uint16_t st_cur_u16(struct st_cur *c)
{
	if (!st_cur_need(c, 2))
		return 0;
	const uint8_t *p = c->msg + c->pos;
	c->pos += 2;
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t st_cur_u32(struct st_cur *c)
{
	if (!st_cur_need(c, 4))
		return 0;
	const uint8_t *p = c->msg + c->pos;
	c->pos += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Little-endian reads, for capture file headers written on x86. */
static inline uint16_t st_cur_u16le(struct st_cur *c)
{
	if (!st_cur_need(c, 2))
		return 0;
	const uint8_t *p = c->msg + c->pos;
	c->pos += 2;
	return (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t st_cur_u32le(struct st_cur *c)
{
	if (!st_cur_need(c, 4))
		return 0;
	const uint8_t *p = c->msg + c->pos;
	c->pos += 4;
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

/* Pointer to the next n bytes, and skip them; NULL (sticky error) if short. */
static inline const uint8_t *st_cur_bytes(struct st_cur *c, size_t n)
{
	if (!st_cur_need(c, n))
		return NULL;
	const uint8_t *p = c->msg + c->pos;
	c->pos += n;
	return p;
}

static inline void st_cur_skip(struct st_cur *c, size_t n)
{
	(void)st_cur_bytes(c, n);
}

/* Child cursor over the next n bytes; the parent moves past them. On a
 * short parent both get ST_ETRUNC. The child keeps msg/msg_len, so name
 * compression pointers still resolve against the whole message. */
static inline struct st_cur st_cur_sub(struct st_cur *c, size_t n)
{
	struct st_cur sub = *c;
	if (!st_cur_need(c, n)) {
		sub.err = c->err;
		return sub;
	}
	sub.end = c->pos + n;
	c->pos += n;
	return sub;
}
