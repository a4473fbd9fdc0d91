/* analyze/denial.c -- NSEC and NSEC3 denial-of-existence proofs (see
 * denial.h for what is judged and the caps).
 *
 * NSEC: RFC 4035 5.4 with RFC 4034 6.1 canonical order; the last NSEC of
 * a chain points back to the apex (next <= owner), and covers everything
 * after its owner. An NSEC at a zone cut (NS without SOA) or with DNAME
 * says nothing about names below its owner (they are in another zone).
 *
 * NSEC3: RFC 5155 8. Every usable NSEC3 of the proof must share algorithm,
 * iterations and salt (a proof mixing parameter sets is bogus: Unbound
 * CVE-2026-33278, param_set_same()). Parameters are checked before any
 * hash is made, so a hostile response costs at most AN_DENIAL_MAX_HASHES
 * SHA-1 chains of AN_NSEC3_MAX_ITERATIONS + 1 digests. The closest-
 * encloser walk is bottom-up (RFC 5155 8.3) and stops after
 * AN_DENIAL_MAX_WALK candidates. */
#include <string.h>
#include <openssl/evp.h>

#include "analyze/denial.h"
#include "analyze/result.h"
#include "decode/rdata.h"
#include "util/err.h"

/* ---- names ----------------------------------------------------------- */

static int lbl_offsets(const struct dec_name *n, uint8_t off[128])
{
	int k = 0;
	size_t i = 0;
	while (i < n->len && n->wire[i] != 0 && k < 128) {
		off[k++] = (uint8_t)i;
		i += 1 + (size_t)n->wire[i];
	}
	return k;
}

static unsigned name_labels(const struct dec_name *n)
{
	uint8_t off[128];
	return (unsigned)lbl_offsets(n, off);
}

static uint8_t lc(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

static int name_eq(const struct dec_name *a, const struct dec_name *b)
{
	if (a->len != b->len)
		return 0;
	for (size_t i = 0; i < a->len; i++)
		if (lc(a->wire[i]) != lc(b->wire[i]))
			return 0;
	return 1;
}

/* The rightmost k labels of n (all of n if k is larger). */
static void name_suffix(const struct dec_name *n, unsigned k, struct dec_name *out)
{
	uint8_t off[128];
	int cnt = lbl_offsets(n, off);
	size_t start;
	if (k == 0)
		start = n->len ? (size_t)n->len - 1 : 0;
	else
		start = (int)k >= cnt ? 0 : off[cnt - (int)k];
	out->len = (uint8_t)(n->len - start);
	memcpy(out->wire, n->wire + start, out->len);
	out->labels = (uint8_t)((int)k < cnt ? (int)k : cnt);
}

/* "*." + n; -1 if that would pass 255 bytes. */
static int name_wild(const struct dec_name *n, struct dec_name *out)
{
	if ((size_t)n->len + 2 > DEC_NAME_MAX)
		return -1;
	out->wire[0] = 1;
	out->wire[1] = '*';
	memcpy(out->wire + 2, n->wire, n->len);
	out->len = (uint8_t)(n->len + 2);
	out->labels = (uint8_t)(n->labels + 1);
	return 0;
}

/* How many rightmost labels a and b share. */
static unsigned name_common(const struct dec_name *a, const struct dec_name *b)
{
	uint8_t oa[128], ob[128];
	int na = lbl_offsets(a, oa), nb = lbl_offsets(b, ob);
	unsigned k = 0;
	while (na > 0 && nb > 0) {
		const uint8_t *la = a->wire + oa[--na], *lb = b->wire + ob[--nb];
		if (la[0] != lb[0])
			break;
		for (size_t i = 1; i <= la[0]; i++)
			if (lc(la[i]) != lc(lb[i]))
				return k;
		k++;
	}
	return k;
}

static int name_below(const struct dec_name *child, const struct dec_name *parent)
{
	return dec_name_is_subdomain(child, parent) && !name_eq(child, parent);
}

/* ---- hashing --------------------------------------------------------- */

/* EVP SHA-1 rather than ldns_nsec3_hash_name(): ldns allocates an ldns_rdf
 * (and a buffer) per call, accepts up to 65535 iterations, and returns a
 * base32 text label we would decode again; we need a hash we can refuse
 * before starting, count against a per-response budget and memoize. */
int an_nsec3_hash(const struct dec_name *name, uint8_t alg, uint16_t iterations,
		  const uint8_t *salt, size_t salt_len, uint8_t out[AN_NSEC3_SHA1_LEN])
{
	if (!name || !out || (salt_len && !salt) || name->len == 0)
		return ST_EINVAL;
	if (alg != AN_NSEC3_HASH_SHA1)
		return ST_EUNSUPP;
	if (iterations > AN_NSEC3_MAX_ITERATIONS)
		return ST_ELIMIT;
	uint8_t low[DEC_NAME_MAX];
	size_t len = name->len;
	for (size_t i = 0; i < len; i++)
		low[i] = lc(name->wire[i]);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		return ST_ENOMEM;
	const EVP_MD *md = EVP_sha1();
	unsigned int n = 0;
	int ok = EVP_DigestInit_ex(ctx, md, NULL) && EVP_DigestUpdate(ctx, low, len) &&
		 EVP_DigestUpdate(ctx, salt, salt_len) && EVP_DigestFinal_ex(ctx, out, &n);
	for (unsigned i = 0; ok && i < iterations; i++)
		ok = EVP_DigestInit_ex(ctx, md, NULL) &&
		     EVP_DigestUpdate(ctx, out, AN_NSEC3_SHA1_LEN) &&
		     EVP_DigestUpdate(ctx, salt, salt_len) && EVP_DigestFinal_ex(ctx, out, &n);
	EVP_MD_CTX_free(ctx);
	return ok && n == AN_NSEC3_SHA1_LEN ? ST_OK : ST_EUNSUPP;
}

static const char b32hex[] = "0123456789abcdefghijklmnopqrstuv";

void an_nsec3_b32_encode(const uint8_t hash[AN_NSEC3_SHA1_LEN], char out[AN_NSEC3_B32_LEN + 1])
{
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < AN_NSEC3_SHA1_LEN; i++) {
		acc = (acc << 8 | hash[i]) & 0xFFFF;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = b32hex[(acc >> bits) & 31];
		}
	}
	out[n] = '\0';
}

int an_nsec3_b32_decode(const uint8_t *text, size_t len, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = lc(text[i]);
		unsigned v;
		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'v')
			v = (unsigned)(c - 'a' + 10);
		else
			return -1;
		acc = (acc << 5 | v) & 0xFFFF;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	if (acc & ((1u << bits) - 1))
		return -1;
	return (int)n;
}

/* ---- the judge ------------------------------------------------------- */

struct n3 {
	int idx;                          /* m->rr index */
	uint8_t owner[AN_NSEC3_SHA1_LEN]; /* hash from the owner's first label */
	struct dec_nsec3 p;
};

struct memo_ent {
	struct dec_name name;             /* lowercased */
	uint8_t hash[AN_NSEC3_SHA1_LEN];
};

struct ctx {
	const struct dec_msg *m;
	const struct dec_name *zone;
	unsigned zone_labels;
	const uint8_t *usable;
	struct an_denial_budget *budget;
	struct an_denial_result *out;
	struct n3 n3[AN_DENIAL_MAX_NSEC3];
	unsigned nn3;
	struct memo_ent memo[AN_DENIAL_MEMO];
	unsigned nmemo;
};

static int verdict(struct ctx *c, enum an_denial_verdict v, const char *why)
{
	struct an_denial_result *o = c->out;
	o->verdict = v;
	o->why = why;
	switch (v) {
	case AN_DENIAL_PROVEN:
	case AN_DENIAL_INDETERMINATE:
		o->ede = AN_EDE_NONE;
		break;
	case AN_DENIAL_INSECURE:
		o->ede = strcmp(why, "nsec3_iterations_over_limit") == 0 ?
			 AN_DENIAL_EDE_NSEC3_ITERATIONS : AN_EDE_NONE;
		break;
	case AN_DENIAL_BOGUS:
		o->ede = (strcmp(why, "nsec_missing") == 0 || strcmp(why, "nsec_unverified") == 0) ?
			 AN_DENIAL_EDE_NSEC_MISSING : AN_EDE_DNSSEC_BOGUS;
		break;
	}
	if (v == AN_DENIAL_INDETERMINATE) {
		if (c->budget)
			c->budget->limit_hits++;
		return ST_ELIMIT;
	}
	return ST_OK;
}

static int rr_usable(const struct ctx *c, int i)
{
	return !c->usable || c->usable[i];
}

static int has(const uint8_t *bm, size_t len, uint16_t t)
{
	return dec_bitmap_has(bm, len, t);
}

/* A name at a zone cut or a DNAME owner: no proof about names below it. */
static int is_cut(const uint8_t *bm, size_t len)
{
	return (has(bm, len, DEC_T_NS) && !has(bm, len, DEC_T_SOA)) || has(bm, len, DEC_T_DNAME);
}

/* ---- NSEC ------------------------------------------------------------- */

struct nsec {
	int idx;
	const struct dec_name *owner;
	struct dec_nsec p;
};

/* Next usable NSEC of the zone in the authority section from index *i. */
static int nsec_next(struct ctx *c, int *i, struct nsec *n)
{
	const struct dec_msg *m = c->m;
	for (; *i < m->nrr; (*i)++) {
		const struct dec_rr *rr = &m->rr[*i];
		const char *why;
		if (rr->section != DEC_SEC_NS || rr->type != DEC_T_NSEC || !rr_usable(c, *i))
			continue;
		if (!dec_name_is_subdomain(&rr->owner, c->zone))
			continue;
		if (dec_nsec_parse(m, rr, &n->p, &why) != ST_OK)
			continue;
		n->idx = *i;
		n->owner = &rr->owner;
		(*i)++;
		return 1;
	}
	return 0;
}

static int nsec_covers(const struct nsec *n, const struct dec_name *name)
{
	const struct dec_name *o = n->owner, *x = &n->p.next;
	if (dec_name_cmp(o, x) < 0)
		return dec_name_cmp(o, name) < 0 && dec_name_cmp(name, x) < 0;
	/* last NSEC of the chain: next is the apex */
	return dec_name_cmp(o, name) < 0 || dec_name_cmp(name, x) < 0;
}

/* The NSEC whose owner is name, or -1. */
static int nsec_match(struct ctx *c, const struct dec_name *name, struct nsec *out)
{
	int i = 0;
	while (nsec_next(c, &i, out))
		if (name_eq(out->owner, name))
			return out->idx;
	return -1;
}

/* An NSEC covering name that may speak for it (its owner is not a cut
 * above name); *cut set if one was refused for that reason. */
static int nsec_cover(struct ctx *c, const struct dec_name *name, struct nsec *out, int *cut)
{
	int i = 0;
	while (nsec_next(c, &i, out)) {
		if (name_eq(out->owner, name) || !nsec_covers(out, name))
			continue;
		if (name_below(name, out->owner) && is_cut(out->p.bitmap, out->p.bitmap_len)) {
			if (cut)
				*cut = 1;
			continue;
		}
		return out->idx;
	}
	return -1;
}

static unsigned nsec_ce_labels(const struct ctx *c, const struct dec_name *qname, const struct nsec *n)
{
	unsigned a = name_common(qname, n->owner), b = name_common(qname, &n->p.next);
	unsigned ce = a > b ? a : b;
	return ce < c->zone_labels ? c->zone_labels : ce;
}

/* The wildcard at the closest encloser does not exist: 0, else a reason. */
static const char *nsec_wild_denied(struct ctx *c, const struct dec_name *qname, unsigned ce)
{
	struct dec_name cen, wc;
	struct nsec w;
	name_suffix(qname, ce, &cen);
	if (name_wild(&cen, &wc) != 0)
		return "wildcard_not_denied";
	if (nsec_match(c, &wc, &w) >= 0)
		return "wildcard_not_denied";
	if (nsec_cover(c, &wc, &w, NULL) < 0)
		return "wildcard_not_denied";
	c->out->wc_rr = w.idx;
	return NULL;
}

static const char *nodata_bits(const uint8_t *bm, size_t len, uint16_t qtype)
{
	if (has(bm, len, qtype) || has(bm, len, DEC_T_CNAME))
		return "type_in_bitmap";
	if (qtype != DEC_T_DS && has(bm, len, DEC_T_NS) && !has(bm, len, DEC_T_SOA))
		return "delegation_not_usable"; /* the parent's NSEC at a cut */
	return NULL;
}

static int nsec_judge(struct ctx *c, enum an_denial_kind kind, const struct dec_name *qname,
		      uint16_t qtype, unsigned wild_labels)
{
	struct an_denial_result *o = c->out;
	struct nsec n, cv;
	int cut = 0;
	unsigned ql = name_labels(qname);
	o->method = AN_DENIAL_BY_NSEC;

	switch (kind) {
	case AN_DENIAL_NXDOMAIN: {
		if (nsec_match(c, qname, &n) >= 0) {
			o->ce_rr = n.idx;
			return verdict(c, AN_DENIAL_BOGUS, "qname_exists");
		}
		if (nsec_cover(c, qname, &cv, &cut) < 0)
			return verdict(c, AN_DENIAL_BOGUS, cut ? "delegation_not_usable" : "name_not_covered");
		o->nc_rr = cv.idx;
		unsigned ce = nsec_ce_labels(c, qname, &cv);
		if (ce >= ql) /* next name below qname: an empty non-terminal */
			return verdict(c, AN_DENIAL_BOGUS, "qname_exists");
		o->ce_labels = (uint8_t)ce;
		const char *why = nsec_wild_denied(c, qname, ce);
		if (why)
			return verdict(c, AN_DENIAL_BOGUS, why);
		return verdict(c, AN_DENIAL_PROVEN, "nsec_proof_ok");
	}
	case AN_DENIAL_NODATA: {
		if (nsec_match(c, qname, &n) >= 0) {
			o->ce_rr = n.idx;
			o->ce_labels = (uint8_t)ql;
			if (qtype == DEC_T_DS && has(n.p.bitmap, n.p.bitmap_len, DEC_T_SOA))
				o->child_side = 1;
			const char *why = nodata_bits(n.p.bitmap, n.p.bitmap_len, qtype);
			return verdict(c, why ? AN_DENIAL_BOGUS : AN_DENIAL_PROVEN, why ? why : "nsec_proof_ok");
		}
		if (nsec_cover(c, qname, &cv, &cut) < 0)
			return verdict(c, AN_DENIAL_BOGUS, cut ? "delegation_not_usable" : "nodata_not_proven");
		o->nc_rr = cv.idx;
		/* empty non-terminal: the next name is below qname */
		if (name_below(&cv.p.next, qname))
			return verdict(c, AN_DENIAL_PROVEN, "nsec_proof_ok");
		/* wildcard no data: *.ce exists without qtype */
		unsigned ce = nsec_ce_labels(c, qname, &cv);
		struct dec_name cen, wc;
		name_suffix(qname, ce, &cen);
		if (ce < ql && name_wild(&cen, &wc) == 0 && nsec_match(c, &wc, &n) >= 0) {
			o->ce_labels = (uint8_t)ce;
			o->wc_rr = n.idx;
			const char *why = nodata_bits(n.p.bitmap, n.p.bitmap_len, qtype);
			return verdict(c, why ? AN_DENIAL_BOGUS : AN_DENIAL_PROVEN, why ? why : "nsec_proof_ok");
		}
		return verdict(c, AN_DENIAL_BOGUS, "nodata_not_proven");
	}
	case AN_DENIAL_NO_DS: {
		if (nsec_match(c, qname, &n) < 0)
			return verdict(c, AN_DENIAL_BOGUS, "no_matching_nsec");
		o->ce_rr = n.idx;
		o->ce_labels = (uint8_t)ql;
		const uint8_t *bm = n.p.bitmap;
		size_t bl = n.p.bitmap_len;
		if (has(bm, bl, DEC_T_DS) || has(bm, bl, DEC_T_CNAME))
			return verdict(c, AN_DENIAL_BOGUS, "type_in_bitmap");
		if (!has(bm, bl, DEC_T_NS) || has(bm, bl, DEC_T_SOA))
			return verdict(c, AN_DENIAL_BOGUS, "not_a_delegation");
		return verdict(c, AN_DENIAL_PROVEN, "nsec_proof_ok");
	}
	case AN_DENIAL_WILDCARD: {
		if (nsec_match(c, qname, &n) >= 0) {
			o->ce_rr = n.idx;
			return verdict(c, AN_DENIAL_BOGUS, "qname_exists");
		}
		if (nsec_cover(c, qname, &cv, &cut) < 0)
			return verdict(c, AN_DENIAL_BOGUS, cut ? "delegation_not_usable" : "name_not_covered");
		o->nc_rr = cv.idx;
		/* RFC 4035 5.3.4: no closer match than the wildcard's encloser */
		if (nsec_ce_labels(c, qname, &cv) != wild_labels)
			return verdict(c, AN_DENIAL_BOGUS, "next_closer_not_covered");
		o->ce_labels = (uint8_t)wild_labels;
		return verdict(c, AN_DENIAL_PROVEN, "nsec_proof_ok");
	}
	}
	return verdict(c, AN_DENIAL_BOGUS, "bad_argument");
}

/* ---- NSEC3 ------------------------------------------------------------ */

/* Hash of name with the proof's parameters, from the memo or the budget. */
static int n3_hash(struct ctx *c, const struct dec_name *name, uint8_t h[AN_NSEC3_SHA1_LEN])
{
	struct dec_name low = *name;
	dec_name_lower(&low);
	for (unsigned i = 0; i < c->nmemo; i++)
		if (name_eq(&c->memo[i].name, &low)) {
			memcpy(h, c->memo[i].hash, AN_NSEC3_SHA1_LEN);
			c->out->memo_hits++;
			return ST_OK;
		}
	if (c->budget->hashes_left == 0)
		return ST_ELIMIT;
	c->budget->hashes_left--;
	const struct dec_nsec3 *p = &c->n3[0].p;
	int rc = an_nsec3_hash(&low, p->hash_alg, p->iterations, p->salt, p->salt_len, h);
	if (rc != ST_OK)
		return rc;
	c->out->hashes++;
	if (c->nmemo < AN_DENIAL_MEMO) {
		c->memo[c->nmemo].name = low;
		memcpy(c->memo[c->nmemo].hash, h, AN_NSEC3_SHA1_LEN);
		c->nmemo++;
	}
	return ST_OK;
}

static int n3_match(const struct ctx *c, const uint8_t *h)
{
	for (unsigned i = 0; i < c->nn3; i++)
		if (memcmp(c->n3[i].owner, h, AN_NSEC3_SHA1_LEN) == 0)
			return (int)i;
	return -1;
}

static int n3_cover(const struct ctx *c, const uint8_t *h)
{
	for (unsigned i = 0; i < c->nn3; i++) {
		const uint8_t *o = c->n3[i].owner, *x = c->n3[i].p.next_hash;
		int on = memcmp(o, h, AN_NSEC3_SHA1_LEN), hx = memcmp(h, x, AN_NSEC3_SHA1_LEN);
		if (memcmp(o, x, AN_NSEC3_SHA1_LEN) < 0 ? (on < 0 && hx < 0) : (on < 0 || hx < 0))
			return (int)i;
	}
	return -1;
}

static int n3_has(const struct ctx *c, int i, uint16_t t)
{
	return has(c->n3[i].p.bitmap, c->n3[i].p.bitmap_len, t);
}

static int n3_optout(const struct ctx *c, int i)
{
	return (c->n3[i].p.flags & AN_NSEC3_FLAG_OPTOUT) != 0;
}

/* Reads the NSEC3 RRs of the zone: returns NULL with c->n3 filled, or the
 * reason the proof cannot even start (verdict decided by the caller). */
static const char *n3_collect(struct ctx *c, int *any)
{
	const struct dec_msg *m = c->m;
	const char *unusable = NULL;
	unsigned unverified = 0;
	*any = 0;
	for (int i = 0; i < m->nrr; i++) {
		const struct dec_rr *rr = &m->rr[i];
		if (rr->section != DEC_SEC_NS || rr->type != DEC_T_NSEC3)
			continue;
		if (rr->owner.len < 2 || !name_below(&rr->owner, c->zone) ||
		    name_labels(&rr->owner) != c->zone_labels + 1)
			continue;
		*any = 1;
		if (!rr_usable(c, i)) {
			unverified++;
			continue;
		}
		const uint8_t *rd = m->wire + rr->rdata_off;
		if (rr->rdlen < 5) {
			unusable = unusable ? unusable : "nsec_malformed";
			continue;
		}
		if (rd[0] != AN_NSEC3_HASH_SHA1) {
			unusable = unusable ? unusable : "nsec3_unknown_algorithm";
			continue;
		}
		if (rd[1] & ~AN_NSEC3_FLAG_OPTOUT) {
			unusable = unusable ? unusable : "nsec3_unknown_flags";
			continue;
		}
		if ((size_t)5 + rd[4] < rr->rdlen && rd[5 + rd[4]] != AN_NSEC3_SHA1_LEN) {
			unusable = unusable ? unusable : "nsec3_bad_hash_length";
			continue;
		}
		struct n3 *e = &c->n3[c->nn3];
		const char *why;
		if (dec_nsec3_parse(m, rr, &e->p, &why) != ST_OK) {
			unusable = unusable ? unusable : "nsec_malformed";
			continue;
		}
		if (rr->owner.wire[0] != AN_NSEC3_B32_LEN ||
		    an_nsec3_b32_decode(rr->owner.wire + 1, AN_NSEC3_B32_LEN, e->owner,
					sizeof e->owner) != AN_NSEC3_SHA1_LEN) {
			unusable = unusable ? unusable : "nsec3_bad_owner";
			continue;
		}
		e->idx = i;
		c->nn3++; /* at most AN_DENIAL_MAX_NSEC3: the caller counted */
	}
	c->out->usable = c->nn3;
	if (c->nn3)
		return NULL;
	if (unusable)
		return unusable;
	return unverified ? "nsec_unverified" : "nsec_missing";
}

enum ce_rc { CE_OK, CE_QNAME_MATCH, CE_NONE, CE_NC_NOT_COVERED, CE_CUT, CE_LIMIT_HASH, CE_LIMIT_WALK };

/* RFC 5155 8.3, bottom-up: the longest ancestor of qname (qname included)
 * whose hash matches, and a cover for the next closer name. */
static enum ce_rc n3_closest_encloser(struct ctx *c, const struct dec_name *qname,
				      unsigned *ce_labels, int *ce_i, int *nc_i)
{
	int ql = (int)name_labels(qname);
	uint8_t prev[AN_NSEC3_SHA1_LEN];
	unsigned tried = 0;
	for (int k = ql; k >= (int)c->zone_labels; k--) {
		if (tried++ == AN_DENIAL_MAX_WALK)
			return CE_LIMIT_WALK;
		struct dec_name s;
		uint8_t h[AN_NSEC3_SHA1_LEN];
		name_suffix(qname, (unsigned)k, &s);
		if (n3_hash(c, &s, h) != ST_OK)
			return CE_LIMIT_HASH;
		int mi = n3_match(c, h);
		if (mi >= 0) {
			*ce_i = mi;
			*ce_labels = (unsigned)k;
			if (k == ql)
				return CE_QNAME_MATCH;
			if (is_cut(c->n3[mi].p.bitmap, c->n3[mi].p.bitmap_len))
				return CE_CUT;
			*nc_i = n3_cover(c, prev);
			return *nc_i < 0 ? CE_NC_NOT_COVERED : CE_OK;
		}
		memcpy(prev, h, sizeof prev);
	}
	return CE_NONE;
}

static int ce_fail(struct ctx *c, enum ce_rc rc)
{
	switch (rc) {
	case CE_QNAME_MATCH: return verdict(c, AN_DENIAL_BOGUS, "qname_exists");
	case CE_NONE: return verdict(c, AN_DENIAL_BOGUS, "no_closest_encloser");
	case CE_NC_NOT_COVERED: return verdict(c, AN_DENIAL_BOGUS, "next_closer_not_covered");
	case CE_CUT: return verdict(c, AN_DENIAL_BOGUS, "delegation_not_usable");
	case CE_LIMIT_HASH: return verdict(c, AN_DENIAL_INDETERMINATE, "nsec3_hash_limit");
	case CE_LIMIT_WALK: return verdict(c, AN_DENIAL_INDETERMINATE, "nsec3_walk_limit");
	case CE_OK: break;
	}
	return verdict(c, AN_DENIAL_BOGUS, "bad_argument");
}

/* Hash of "*." + the closest encloser; -1 on a work limit, -2 if too long. */
static int n3_wild_hash(struct ctx *c, const struct dec_name *qname, unsigned ce, uint8_t h[AN_NSEC3_SHA1_LEN])
{
	struct dec_name cen, wc;
	name_suffix(qname, ce, &cen);
	if (name_wild(&cen, &wc) != 0)
		return -2;
	return n3_hash(c, &wc, h) == ST_OK ? 0 : -1;
}

static int n3_judge(struct ctx *c, enum an_denial_kind kind, const struct dec_name *qname,
		    uint16_t qtype, unsigned wild_labels)
{
	struct an_denial_result *o = c->out;
	uint8_t h[AN_NSEC3_SHA1_LEN];
	unsigned ce = 0;
	int ce_i = -1, nc_i = -1, mi, wr;
	enum ce_rc rc;

	switch (kind) {
	case AN_DENIAL_NXDOMAIN: /* RFC 5155 8.4 */
		rc = n3_closest_encloser(c, qname, &ce, &ce_i, &nc_i);
		if (ce_i >= 0)
			o->ce_rr = c->n3[ce_i].idx;
		if (rc != CE_OK)
			return ce_fail(c, rc);
		o->nc_rr = c->n3[nc_i].idx;
		o->ce_labels = (uint8_t)ce;
		wr = n3_wild_hash(c, qname, ce, h);
		if (wr == -1)
			return verdict(c, AN_DENIAL_INDETERMINATE, "nsec3_hash_limit");
		if (wr == -2 || n3_match(c, h) >= 0 || (mi = n3_cover(c, h)) < 0)
			return verdict(c, AN_DENIAL_BOGUS, "wildcard_not_denied");
		o->wc_rr = c->n3[mi].idx;
		if (n3_optout(c, nc_i)) /* an unsigned delegation may hide there */
			return verdict(c, AN_DENIAL_INSECURE, "nsec3_optout");
		return verdict(c, AN_DENIAL_PROVEN, "nsec3_proof_ok");

	case AN_DENIAL_NODATA: /* RFC 5155 8.5, 8.6, 8.7 */
		if (n3_hash(c, qname, h) != ST_OK)
			return verdict(c, AN_DENIAL_INDETERMINATE, "nsec3_hash_limit");
		mi = n3_match(c, h);
		if (mi >= 0) {
			o->ce_rr = c->n3[mi].idx;
			o->ce_labels = (uint8_t)name_labels(qname);
			if (qtype == DEC_T_DS && n3_has(c, mi, DEC_T_SOA))
				o->child_side = 1; /* RFC 5155 B.6: the child's apex answered */
			const char *why = nodata_bits(c->n3[mi].p.bitmap, c->n3[mi].p.bitmap_len, qtype);
			return verdict(c, why ? AN_DENIAL_BOGUS : AN_DENIAL_PROVEN, why ? why : "nsec3_proof_ok");
		}
		rc = n3_closest_encloser(c, qname, &ce, &ce_i, &nc_i);
		if (ce_i >= 0)
			o->ce_rr = c->n3[ce_i].idx;
		if (rc != CE_OK)
			return ce_fail(c, rc);
		o->nc_rr = c->n3[nc_i].idx;
		o->ce_labels = (uint8_t)ce;
		wr = n3_wild_hash(c, qname, ce, h);
		if (wr == -1)
			return verdict(c, AN_DENIAL_INDETERMINATE, "nsec3_hash_limit");
		if (wr == 0 && (mi = n3_match(c, h)) >= 0) { /* 8.7 wildcard no data */
			o->wc_rr = c->n3[mi].idx;
			const char *why = nodata_bits(c->n3[mi].p.bitmap, c->n3[mi].p.bitmap_len, qtype);
			if (!why && qtype == DEC_T_DS && n3_has(c, mi, DEC_T_SOA))
				why = "not_a_delegation";
			if (why)
				return verdict(c, AN_DENIAL_BOGUS, why);
			/* Unbound: a wildcard inside an opt-out span is insecure */
			return verdict(c, n3_optout(c, nc_i) ? AN_DENIAL_INSECURE : AN_DENIAL_PROVEN,
				       n3_optout(c, nc_i) ? "nsec3_optout" : "nsec3_proof_ok");
		}
		/* 8.6 for DS; for other types RFC 5155 erratum 3441 and Unbound
		 * ("case 5"): unsigned data below an opt-out span is insecure */
		if (n3_optout(c, nc_i))
			return verdict(c, AN_DENIAL_INSECURE, "nsec3_optout");
		return verdict(c, AN_DENIAL_BOGUS, qtype == DEC_T_DS ? "next_closer_not_optout" : "nodata_not_proven");

	case AN_DENIAL_NO_DS: /* RFC 5155 8.9 (referral), 8.6 */
		if (n3_hash(c, qname, h) != ST_OK)
			return verdict(c, AN_DENIAL_INDETERMINATE, "nsec3_hash_limit");
		mi = n3_match(c, h);
		if (mi >= 0) {
			o->ce_rr = c->n3[mi].idx;
			o->ce_labels = (uint8_t)name_labels(qname);
			if (n3_has(c, mi, DEC_T_DS) || n3_has(c, mi, DEC_T_CNAME))
				return verdict(c, AN_DENIAL_BOGUS, "type_in_bitmap");
			if (!n3_has(c, mi, DEC_T_NS) || n3_has(c, mi, DEC_T_SOA))
				return verdict(c, AN_DENIAL_BOGUS, "not_a_delegation");
			return verdict(c, AN_DENIAL_PROVEN, "nsec3_proof_ok");
		}
		rc = n3_closest_encloser(c, qname, &ce, &ce_i, &nc_i);
		if (ce_i >= 0)
			o->ce_rr = c->n3[ce_i].idx;
		if (rc != CE_OK)
			return ce_fail(c, rc);
		o->nc_rr = c->n3[nc_i].idx;
		o->ce_labels = (uint8_t)ce;
		if (!n3_optout(c, nc_i))
			return verdict(c, AN_DENIAL_BOGUS, "next_closer_not_optout");
		return verdict(c, AN_DENIAL_INSECURE, "nsec3_optout");

	case AN_DENIAL_WILDCARD: { /* RFC 5155 8.8 */
		struct dec_name nc;
		if (wild_labels + 1 > name_labels(qname))
			return verdict(c, AN_DENIAL_BOGUS, "not_a_wildcard");
		name_suffix(qname, wild_labels + 1, &nc);
		if (n3_hash(c, &nc, h) != ST_OK)
			return verdict(c, AN_DENIAL_INDETERMINATE, "nsec3_hash_limit");
		if ((mi = n3_match(c, h)) >= 0) {
			o->ce_rr = c->n3[mi].idx;
			return verdict(c, AN_DENIAL_BOGUS, "qname_exists");
		}
		if ((mi = n3_cover(c, h)) < 0)
			return verdict(c, AN_DENIAL_BOGUS, "next_closer_not_covered");
		o->nc_rr = c->n3[mi].idx;
		o->ce_labels = (uint8_t)wild_labels;
		return verdict(c, AN_DENIAL_PROVEN, "nsec3_proof_ok");
	}
	}
	return verdict(c, AN_DENIAL_BOGUS, "bad_argument");
}

/* ---- entry points ------------------------------------------------------ */

void an_denial_budget_init(struct an_denial_budget *b)
{
	b->hashes_left = AN_DENIAL_MAX_HASHES;
	b->limit_hits = 0;
}

static int judge(const struct dec_msg *m, enum an_denial_kind kind, const struct dec_name *qname,
		 uint16_t qtype, unsigned wild_labels, const struct dec_name *zone,
		 const uint8_t *usable, struct an_denial_budget *budget,
		 struct an_denial_result *out)
{
	static const struct dec_name root = { .len = 1, .labels = 0, .wire = { 0 } };
	struct an_denial_budget own;
	struct dec_name zbuf;
	struct ctx c;

	memset(out, 0, sizeof *out);
	out->ede = AN_EDE_NONE;
	out->ce_rr = out->nc_rr = out->wc_rr = -1;
	memset(&c, 0, sizeof c);
	c.m = m;
	c.usable = usable;
	c.out = out;
	if (!budget) {
		an_denial_budget_init(&own);
		budget = &own;
	}
	c.budget = budget;

	unsigned n3_total = 0;
	const struct dec_rr *first_n3 = NULL;
	for (int i = 0; i < m->nrr; i++) {
		const struct dec_rr *rr = &m->rr[i];
		if (rr->section != DEC_SEC_NS)
			continue;
		if (rr->type == DEC_T_NSEC)
			out->nsec++;
		if (rr->type == DEC_T_NSEC3) {
			n3_total++;
			if (!first_n3)
				first_n3 = rr;
		}
	}
	out->nsec3 = n3_total;

	/* zone: the caller's, else the parent of the first NSEC3, else root */
	if (!zone && first_n3 && first_n3->owner.len > 1) {
		name_suffix(&first_n3->owner, name_labels(&first_n3->owner) - 1, &zbuf);
		zone = &zbuf;
	}
	c.zone = zone ? zone : &root;
	c.zone_labels = name_labels(c.zone);

	if (kind == AN_DENIAL_NO_DS ? !name_below(qname, c.zone) : !dec_name_is_subdomain(qname, c.zone))
		return verdict(&c, AN_DENIAL_BOGUS, "qname_not_in_zone");
	if (kind == AN_DENIAL_WILDCARD &&
	    (wild_labels >= name_labels(qname) || wild_labels < c.zone_labels))
		return verdict(&c, AN_DENIAL_BOGUS, "not_a_wildcard");

	/* THREATS F7: counted before anything is parsed or hashed */
	if (n3_total > AN_DENIAL_MAX_NSEC3) {
		out->method = AN_DENIAL_BY_NSEC3;
		return verdict(&c, AN_DENIAL_BOGUS, "too_many_nsec3");
	}

	int any;
	const char *why = n3_collect(&c, &any);
	if (!any) {
		/* no NSEC3 of this zone: NSEC, if there is a usable one */
		unsigned nsec_zone = 0, nsec_usable = 0;
		for (int i = 0; i < m->nrr; i++) {
			const struct dec_rr *rr = &m->rr[i];
			if (rr->section != DEC_SEC_NS || rr->type != DEC_T_NSEC ||
			    !dec_name_is_subdomain(&rr->owner, c.zone))
				continue;
			nsec_zone++;
			nsec_usable += rr_usable(&c, i) ? 1u : 0u;
		}
		if (nsec_zone == 0)
			return verdict(&c, AN_DENIAL_BOGUS, "nsec_missing");
		if (nsec_usable == 0) {
			out->method = AN_DENIAL_BY_NSEC;
			return verdict(&c, AN_DENIAL_BOGUS, "nsec_unverified");
		}
		int i = 0;
		struct nsec n;
		while (nsec_next(&c, &i, &n))
			out->usable++;
		return nsec_judge(&c, kind, qname, qtype, wild_labels);
	}
	out->method = AN_DENIAL_BY_NSEC3;
	if (why)
		return verdict(&c, AN_DENIAL_BOGUS, why);

	/* one parameter set per proof (THREATS F6) */
	const struct dec_nsec3 *p0 = &c.n3[0].p;
	out->iterations = p0->iterations;
	out->salt_len = p0->salt_len;
	for (unsigned i = 1; i < c.nn3; i++) {
		const struct dec_nsec3 *p = &c.n3[i].p;
		if (p->hash_alg != p0->hash_alg || p->iterations != p0->iterations ||
		    p->salt_len != p0->salt_len || memcmp(p->salt, p0->salt, p0->salt_len) != 0)
			return verdict(&c, AN_DENIAL_BOGUS, "nsec3_mixed_parameters");
	}
	/* RFC 9276 3.2: never hash above the cap, call it insecure (THREATS F5) */
	if (p0->iterations > AN_NSEC3_MAX_ITERATIONS)
		return verdict(&c, AN_DENIAL_INSECURE, "nsec3_iterations_over_limit");
	return n3_judge(&c, kind, qname, qtype, wild_labels);
}

int an_denial_check_wildcard(const struct dec_msg *m, const struct dec_name *qname,
			     uint16_t qtype, uint8_t rrsig_labels,
			     const struct dec_name *zone, const uint8_t *usable,
			     struct an_denial_budget *budget, struct an_denial_result *out)
{
	if (!out)
		return ST_EINVAL;
	if (!m || !qname) {
		memset(out, 0, sizeof *out);
		out->verdict = AN_DENIAL_BOGUS;
		out->why = "bad_argument";
		out->ede = AN_EDE_NONE;
		out->ce_rr = out->nc_rr = out->wc_rr = -1;
		return ST_EINVAL;
	}
	return judge(m, AN_DENIAL_WILDCARD, qname, qtype, rrsig_labels, zone, usable, budget, out);
}

/* The RRSIG labels field of the wildcard-expanded answer for qname. */
static int find_wild_labels(const struct dec_msg *m, const struct dec_name *qname,
			    uint16_t qtype, const uint8_t *usable)
{
	unsigned ql = name_labels(qname);
	int best = -1;
	for (int i = 0; i < m->nrr; i++) {
		const struct dec_rr *rr = &m->rr[i];
		struct dec_rrsig s;
		const char *why;
		if (rr->section != DEC_SEC_AN || rr->type != DEC_T_RRSIG || !name_eq(&rr->owner, qname))
			continue;
		if (dec_rrsig_parse(m, rr, &s, &why) != ST_OK || s.labels >= ql)
			continue;
		if (s.type_covered != qtype && s.type_covered != DEC_T_CNAME)
			continue;
		if (!usable || usable[i])
			return s.labels;
		if (best < 0)
			best = s.labels;
	}
	return best;
}

int an_denial_check(const struct dec_msg *m, enum an_denial_kind kind,
		    const struct dec_name *qname, uint16_t qtype,
		    const struct dec_name *zone, const uint8_t *usable,
		    struct an_denial_budget *budget, struct an_denial_result *out)
{
	if (!out)
		return ST_EINVAL;
	if (!m || !qname || kind > AN_DENIAL_WILDCARD) {
		memset(out, 0, sizeof *out);
		out->verdict = AN_DENIAL_BOGUS;
		out->why = "bad_argument";
		out->ede = AN_EDE_NONE;
		out->ce_rr = out->nc_rr = out->wc_rr = -1;
		return ST_EINVAL;
	}
	if (kind == AN_DENIAL_WILDCARD) {
		int labels = find_wild_labels(m, qname, qtype, usable);
		if (labels < 0) {
			memset(out, 0, sizeof *out);
			out->verdict = AN_DENIAL_BOGUS;
			out->why = "no_wildcard_rrsig";
			out->ede = AN_EDE_DNSSEC_BOGUS;
			out->ce_rr = out->nc_rr = out->wc_rr = -1;
			return ST_OK;
		}
		return judge(m, kind, qname, qtype, (unsigned)labels, zone, usable, budget, out);
	}
	return judge(m, kind, qname, qtype, 0, zone, usable, budget, out);
}

const char *an_denial_verdict_str(enum an_denial_verdict v)
{
	switch (v) {
	case AN_DENIAL_PROVEN: return "proven";
	case AN_DENIAL_BOGUS: return "bogus";
	case AN_DENIAL_INSECURE: return "insecure";
	case AN_DENIAL_INDETERMINATE: return "indeterminate";
	}
	return "unknown";
}

int an_denial_is_reason(const char *code)
{
	static const char *const reasons[] = {
		"nsec_proof_ok", "nsec3_proof_ok", "nsec3_optout", "nsec3_iterations_over_limit",
		"nsec_missing", "nsec_unverified", "too_many_nsec3", "nsec3_mixed_parameters",
		"nsec3_bad_hash_length", "nsec3_unknown_algorithm", "nsec3_unknown_flags",
		"nsec3_bad_owner", "nsec_malformed", "no_closest_encloser", "next_closer_not_covered",
		"next_closer_not_optout", "wildcard_not_denied", "qname_exists", "name_not_covered",
		"type_in_bitmap", "not_a_delegation", "delegation_not_usable", "nodata_not_proven",
		"no_matching_nsec", "not_a_wildcard", "no_wildcard_rrsig", "qname_not_in_zone",
		"nsec3_hash_limit", "nsec3_walk_limit",
	};
	for (size_t i = 0; code && i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (!strcmp(code, reasons[i]))
			return 1;
	return 0;
}
