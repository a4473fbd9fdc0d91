/* decode/name.h -- DNS names: wire decoding with compression, and text.
 *
 * A struct dec_name holds a name uncompressed in wire form (length-
 * prefixed labels ending with the root label), at most 255 bytes, case
 * preserved. Decompression follows knot's and tcpdump's rules: every
 * pointer must point strictly before the start of the current label
 * sequence (so no loops and no forward pointers, with no counter needed),
 * never into the 12-byte header; label types 0x40 and 0x80 are malformed;
 * a name longer than 255 bytes is malformed. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "util/cur.h"

#define DEC_NAME_MAX 255
/* Longest text form: 255 bytes, each as \DDD, plus dots and NUL. */
#define DEC_NAME_TEXT_MAX (4 * DEC_NAME_MAX + 2)

struct dec_name {
	uint8_t len;      /* bytes used in wire, 1 for the root */
	uint8_t labels;   /* label count, root label not counted */
	uint8_t wire[DEC_NAME_MAX];
};

/* Reads a possibly compressed name at c->pos. Labels before the first
 * pointer must lie inside c; pointer targets may lie anywhere before in
 * c->msg. On success c moves past the name as it sits in the message.
 * Returns ST_OK, ST_ETRUNC or ST_EMALF (c->err is set too); *why gets a
 * static reason ("compression pointer not backwards", ...). */
int dec_name_read(struct st_cur *c, struct dec_name *out, const char **why);

/* dig-style presentation with a trailing dot ("." for the root), labels
 * escaped with st_escape_label. Returns the length written. dstlen must be
 * at least DEC_NAME_TEXT_MAX to never truncate. */
size_t dec_name_to_text(const struct dec_name *n, char *dst, size_t dstlen);

/* Canonical (RFC 4034 6.1) comparison: label by label from the right,
 * ASCII case-insensitive. <0, 0, >0. */
int dec_name_cmp(const struct dec_name *a, const struct dec_name *b);
/* Lowercase copy (RFC 4034 6.2 canonical form). */
void dec_name_lower(struct dec_name *n);
/* True if child is equal to or below parent (case-insensitive). */
int dec_name_is_subdomain(const struct dec_name *child, const struct dec_name *parent);
