/* analyze/canon.c -- RRSIG signed data and canonical RDATA (see canon.h). */
#include "analyze/canon.h"

#include <stdlib.h>
#include <string.h>

#include "util/cur.h"
#include "util/err.h"

void an_buf_init(struct an_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max ? max : AN_CANON_MAX_BYTES;
}

void an_buf_clear(struct an_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int an_buf_put(struct an_buf *b, const void *p, size_t n)
{
	if (n > b->max - b->len)
		return ST_ELIMIT;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 512;
		while (cap < b->len + n)
			cap *= 2;
		if (cap > b->max)
			cap = b->max;
		uint8_t *d = realloc(b->data, cap);
		if (!d)
			return ST_ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return ST_OK;
}

static int put16(struct an_buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	return an_buf_put(b, x, 2);
}

static int put32(struct an_buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	return an_buf_put(b, x, 4);
}

/* Length bytes are <= 63, below 'A', so lowercasing the whole wire form
 * touches label bytes only. */
static void lower(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (uint8_t)(p[i] + 32);
}

/* RDATA layouts (RFC 1035, 1183, 2163, 2230, 2535, 2782, 2874, 3403,
 * 4034, 6672). N name lowercased, n name kept as is, b/w/l 1/2/4 fixed
 * octets, s character-string, r the rest as is, a A6. */
static const char *layout(uint16_t type)
{
	switch (type) {
	case 2: case 3: case 4: case 5: case 7: case 8: case 9: case 12: case 39:
		return "N";              /* NS MD MF CNAME MB MG MR PTR DNAME */
	case 6: return "NNlllll";        /* SOA */
	case 14: case 17: return "NN";   /* MINFO RP */
	case 15: case 18: case 21: case 36:
		return "wN";             /* MX AFSDB RT KX */
	case 26: return "wNN";           /* PX */
	case 33: return "wwwN";          /* SRV */
	case 35: return "wwsssN";        /* NAPTR */
	case 24: case 46: return "wbblllwNr"; /* SIG RRSIG */
	case 30: return "Nr";            /* NXT */
	case 47: return "nr";            /* NSEC: RFC 6840 5.1, case kept */
	case 38: return "a";             /* A6 */
	default: return NULL;
	}
}

int an_canon_type_lowercases(uint16_t type)
{
	const char *l = layout(type);
	return l && (strchr(l, 'N') || type == 38);
}

static int fail(const char **why, const char *text, int rc)
{
	*why = text;
	return rc;
}

static int put_name(struct an_buf *out, struct st_cur *c, int lc, const char **why)
{
	struct dec_name n;
	int rc = dec_name_read(c, &n, why);
	if (rc != ST_OK)
		return rc;
	if (lc)
		lower(n.wire, n.len);
	return an_buf_put(out, n.wire, n.len);
}

/* A6 (RFC 2874 3.1): prefix length, address suffix, prefix name if P > 0. */
static int put_a6(struct an_buf *out, struct st_cur *c, const char **why)
{
	uint8_t p = st_cur_u8(c);
	if (c->err != ST_OK)
		return fail(why, "A6 RDATA truncated", c->err);
	if (p > 128)
		return fail(why, "A6 prefix length above 128", ST_EMALF);
	size_t sl = (128u - p + 7) / 8;
	const uint8_t *s = st_cur_bytes(c, sl);
	if (!s)
		return fail(why, "A6 RDATA truncated", c->err);
	int rc = an_buf_put(out, &p, 1);
	if (rc == ST_OK)
		rc = an_buf_put(out, s, sl);
	if (rc == ST_OK && p > 0)
		rc = put_name(out, c, 1, why);
	return rc;
}

static int put_field(struct an_buf *out, struct st_cur *c, char op, const char **why)
{
	size_t n = 0;
	switch (op) {
	case 'N': case 'n': return put_name(out, c, op == 'N', why);
	case 'a': return put_a6(out, c, why);
	case 'b': n = 1; break;
	case 'w': n = 2; break;
	case 'l': n = 4; break;
	case 's':
		if (!st_cur_need(c, 1))
			return fail(why, "character-string truncated", c->err);
		n = 1 + (size_t)c->msg[c->pos];
		break;
	case 'r': n = c->end - c->pos; break;
	}
	const uint8_t *p = st_cur_bytes(c, n);
	if (!p)
		return fail(why, "RDATA shorter than its type's layout", c->err);
	return an_buf_put(out, p, n);
}

int an_canon_rdata(struct an_buf *out, uint16_t type, const struct an_wire *rd,
		   const char **why)
{
	if (rd->off > rd->msg_len || rd->len > rd->msg_len - rd->off)
		return fail(why, "RDATA outside its message", ST_EINVAL);
	struct st_cur c = { rd->msg, rd->msg_len, rd->off, rd->off + rd->len, ST_OK };
	const char *l = layout(type);
	if (!l)
		l = "r";
	for (; *l; l++) {
		int rc = put_field(out, &c, *l, why);
		if (rc != ST_OK)
			return rc == ST_ELIMIT ? fail(why, "signed data over the size cap", rc) : rc;
	}
	if (c.pos != c.end)
		return fail(why, "RDATA longer than its type's layout", ST_EMALF);
	return ST_OK;
}

/* The RR owner in canonical form, with the wildcard rule of RFC 4035
 * 5.3.2: labels < owner's labels means "*." + rightmost `labels` labels. */
static int canon_owner(const struct dec_name *owner, uint8_t labels,
		       struct dec_name *out, const char **why)
{
	if (owner->len < 1)
		return fail(why, "owner name invalid", ST_EINVAL);
	if (labels > owner->labels)
		return fail(why, "RRSIG labels field exceeds the owner's label count", ST_EMALF);
	size_t off = 0;
	for (unsigned skip = owner->labels - labels; skip; skip--) {
		if (off >= owner->len || owner->wire[off] == 0)
			return fail(why, "owner name invalid", ST_EINVAL);
		off += 1 + (size_t)owner->wire[off];
	}
	if (off >= owner->len)
		return fail(why, "owner name invalid", ST_EINVAL);
	size_t n = 0;
	if (labels < owner->labels) {
		out->wire[n++] = 1;
		out->wire[n++] = '*';
	}
	memcpy(out->wire + n, owner->wire + off, owner->len - off);
	out->len = (uint8_t)(n + owner->len - off);
	out->labels = (uint8_t)(labels + (labels < owner->labels));
	lower(out->wire, out->len);
	return ST_OK;
}

struct item {
	size_t off, len;
	const uint8_t *p;
};

/* RFC 4034 6.3: RDATA as left-justified unsigned octet sequences; a
 * missing octet sorts before a zero octet. */
static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = n ? memcmp(x->p, y->p, n) : 0;
	if (c)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/* RRSIG RDATA without the signature: 18 fixed octets + canonical signer.
 * Reports type covered, labels and original TTL. */
static int rrsig_head(struct an_buf *out, const struct an_wire *rrsig, uint16_t *covered,
		      uint8_t *labels, uint32_t *ttl, const char **why)
{
	if (rrsig->off > rrsig->msg_len || rrsig->len > rrsig->msg_len - rrsig->off)
		return fail(why, "RRSIG outside its message", ST_EINVAL);
	struct st_cur c = { rrsig->msg, rrsig->msg_len, rrsig->off,
			    rrsig->off + rrsig->len, ST_OK };
	const uint8_t *fixed = st_cur_bytes(&c, 18);
	if (!fixed)
		return fail(why, "RRSIG RDATA shorter than 18 octets", ST_ETRUNC);
	*covered = (uint16_t)(fixed[0] << 8 | fixed[1]);
	*labels = fixed[3];
	*ttl = (uint32_t)fixed[4] << 24 | (uint32_t)fixed[5] << 16 |
	       (uint32_t)fixed[6] << 8 | fixed[7];
	int rc = an_buf_put(out, fixed, 18);
	if (rc == ST_OK)
		rc = put_name(out, &c, 1, why);
	return rc;
}

static int put_rrs(struct an_buf *out, struct an_buf *scratch, struct item *items,
		   size_t n, const struct dec_name *owner, uint16_t type, uint16_t rclass,
		   uint32_t ttl)
{
	for (size_t i = 0; i < n; i++)
		items[i].p = scratch->data + items[i].off;
	qsort(items, n, sizeof(*items), item_cmp);
	int rc = ST_OK;
	for (size_t i = 0; i < n && rc == ST_OK; i++) {
		if (i > 0 && item_cmp(&items[i - 1], &items[i]) == 0)
			continue; /* RFC 4034 6.3: duplicates removed */
		rc = an_buf_put(out, owner->wire, owner->len);
		if (rc == ST_OK) rc = put16(out, type);
		if (rc == ST_OK) rc = put16(out, rclass);
		if (rc == ST_OK) rc = put32(out, ttl);
		if (rc == ST_OK) rc = put16(out, (uint16_t)items[i].len);
		if (rc == ST_OK) rc = an_buf_put(out, items[i].p, items[i].len);
	}
	return rc;
}

int an_canon_signed_data(struct an_buf *out, const struct an_wire *rrsig,
			 const struct dec_name *owner, uint16_t type, uint16_t rclass,
			 const struct an_wire *rds, size_t n, const char **why)
{
	out->len = 0;
	if (n > AN_CANON_MAX_RRS)
		return fail(why, "RRset has more records than the cap", ST_ELIMIT);
	uint16_t covered;
	uint8_t labels;
	uint32_t ttl;
	int rc = rrsig_head(out, rrsig, &covered, &labels, &ttl, why);
	if (rc != ST_OK)
		return rc == ST_ELIMIT ? fail(why, "signed data over the size cap", rc) : rc;
	if (covered != type)
		return fail(why, "RRSIG type covered differs from the RRset type", ST_EMALF);
	struct dec_name cowner;
	rc = canon_owner(owner, labels, &cowner, why);
	if (rc != ST_OK)
		return rc;
	struct an_buf scratch;
	an_buf_init(&scratch, out->max);
	struct item *items = calloc(n ? n : 1, sizeof(*items));
	if (!items)
		return fail(why, "out of memory", ST_ENOMEM);
	for (size_t i = 0; i < n && rc == ST_OK; i++) {
		items[i].off = scratch.len;
		rc = an_canon_rdata(&scratch, type, &rds[i], why);
		items[i].len = scratch.len - items[i].off;
		if (rc == ST_OK && items[i].len > 65535)
			rc = fail(why, "canonical RDATA longer than 65535 octets", ST_EMALF);
	}
	if (rc == ST_OK) {
		rc = put_rrs(out, &scratch, items, n, &cowner, type, rclass, ttl);
		if (rc == ST_ELIMIT)
			*why = "signed data over the size cap";
	}
	free(items);
	an_buf_clear(&scratch);
	return rc;
}
