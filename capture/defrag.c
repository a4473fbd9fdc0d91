/* capture/defrag.c -- IP fragment reassembly (see defrag.h).
 *
 * Each pending datagram keeps its bytes in one buffer, a bitmap of the
 * 8-byte blocks received (fragment offsets are multiples of 8 and every
 * fragment but the last has a length that is one, RFC 791 / RFC 8200 4.5),
 * and the list of its fragments for anomaly details. Pending datagrams sit
 * in a hash table and in a list by age (oldest first) that serves both
 * the timeout and eviction at the memory cap. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "capture/defrag.h"
#include "capture/htab.h"
#include "util/err.h"

#define BLK 8
#define GRAN 512 /* buffer growth step (one bitmap word covers 512 bytes) */

struct dg_key {
	uint8_t family, proto, pad[2];
	uint32_t id;
	uint8_t src[16], dst[16];
};

struct dg_frag {
	uint32_t off, end;
	uint64_t frame;
};

struct dg {
	struct dg_key key;
	uint64_t hash;
	struct dg *older, *newer;
	int64_t first_ts;
	uint32_t first_file;
	uint64_t first_frame;
	uint8_t *data;
	uint64_t *have;          /* bit per 8-byte block */
	size_t cap;              /* bytes in data, a multiple of GRAN */
	size_t total;            /* datagram length, once the last fragment came */
	bool total_known;
	size_t maxend;
	size_t blocks;           /* blocks received */
	struct dg_frag *frags;
	size_t nfrags;
	size_t mem;
};

struct cap_defrag {
	struct cap_anom *anom;
	size_t mem_max, mem;
	int64_t timeout_ns;
	struct cap_htab tab;
	struct dg *oldest, *newest;
	uint8_t *done;           /* last completed datagram */
};

static bool key_eq(const void *item, const void *key)
{
	return memcmp(&((const struct dg *)item)->key, key,
		      sizeof(struct dg_key)) == 0;
}

struct cap_defrag *cap_defrag_new(size_t mem_max, int64_t timeout_ns,
				  struct cap_anom *anom)
{
	struct cap_defrag *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	if (cap_htab_init(&d->tab, (uint64_t)(uintptr_t)d) != ST_OK) {
		free(d);
		return NULL;
	}
	d->anom = anom;
	d->mem_max = mem_max;
	d->timeout_ns = timeout_ns;
	return d;
}

static void unlink_dg(struct cap_defrag *d, struct dg *g)
{
	if (g->older)
		g->older->newer = g->newer;
	else
		d->oldest = g->newer;
	if (g->newer)
		g->newer->older = g->older;
	else
		d->newest = g->older;
	cap_htab_del(&d->tab, g->hash, g);
	d->mem -= g->mem;
}

static void destroy(struct cap_defrag *d, struct dg *g)
{
	unlink_dg(d, g);
	free(g->data);
	free(g->have);
	free(g->frags);
	free(g);
}

static void drop(struct cap_defrag *d, struct dg *g, const char *kind,
		 uint64_t frame)
{
	cap_anom(d->anom, g->first_file, frame, kind,
		 "IPv%u id %u: %zu fragments, first frame %llu, %zu of %s bytes",
		 g->key.family, (unsigned)g->key.id, g->nfrags,
		 (unsigned long long)g->first_frame, g->blocks * BLK,
		 g->total_known ? "known" : "unknown");
	destroy(d, g);
}

/* Oldest first, never `keep`; false when only `keep` is left. */
static bool evict_one(struct cap_defrag *d, const struct dg *keep)
{
	struct dg *g = d->oldest;
	if (g && g == keep)
		g = g->newer;
	if (!g)
		return false;
	d->anom->st->frag_evicted++;
	drop(d, g, "frag_evicted", g->first_frame);
	return true;
}

/* Makes room for `more` bytes under the cap; false if it cannot. */
static bool reserve(struct cap_defrag *d, size_t more, const struct dg *keep)
{
	while (d->mem + more > d->mem_max)
		if (!evict_one(d, keep))
			return false;
	return true;
}

static void charge(struct cap_defrag *d, struct dg *g, size_t bytes)
{
	g->mem += bytes;
	d->mem += bytes;
}

static struct dg *create(struct cap_defrag *d, const struct dg_key *k,
			 uint64_t h, const struct cap_frame *f)
{
	if (!reserve(d, sizeof(struct dg), NULL))
		return NULL;
	struct dg *g = calloc(1, sizeof(*g));
	if (!g || cap_htab_add(&d->tab, h, g) != ST_OK) {
		free(g);
		return NULL;
	}
	g->key = *k;
	g->hash = h;
	g->first_ts = f->ts_ns;
	g->first_file = f->file;
	g->first_frame = f->number;
	g->older = d->newest;
	if (d->newest)
		d->newest->newer = g;
	else
		d->oldest = g;
	d->newest = g;
	charge(d, g, sizeof(*g));
	return g;
}

/* Grows the buffer and bitmap to hold `end` bytes: ST_OK, ST_ELIMIT (the
 * cap, after evicting every other datagram) or ST_ENOMEM. */
static int grow(struct cap_defrag *d, struct dg *g, size_t end)
{
	if (end <= g->cap)
		return ST_OK;
	size_t ncap = (end + GRAN - 1) / GRAN * GRAN;
	size_t more = (ncap - g->cap) + (ncap - g->cap) / GRAN * 8;
	if (!reserve(d, more, g))
		return ST_ELIMIT;
	uint8_t *nd = realloc(g->data, ncap);
	if (!nd)
		return ST_ENOMEM;
	g->data = nd;
	uint64_t *nh = realloc(g->have, ncap / GRAN * 8);
	if (!nh)
		return ST_ENOMEM;
	memset(nh + g->cap / GRAN, 0, (ncap - g->cap) / GRAN * 8);
	g->have = nh;
	g->cap = ncap;
	charge(d, g, more);
	return ST_OK;
}

static bool has(const struct dg *g, size_t b)
{
	return g->have[b / 64] >> (b % 64) & 1;
}

/* Compares the fragment with what is there: -1 conflict, else the number
 * of blocks it covers that were already received. */
static long compare(const struct dg *g, const uint8_t *p, size_t off, size_t end)
{
	long seen = 0;
	for (size_t b = off / BLK; b * BLK < end; b++) {
		if (b * BLK >= g->cap || !has(g, b))
			continue;
		size_t s = b * BLK, e = s + BLK < end ? s + BLK : end;
		if (g->total_known && e > g->total)
			e = g->total;
		if (s < e && memcmp(g->data + s, p + (s - off), e - s) != 0)
			return -1;
		seen++;
	}
	return seen;
}

static void store(struct dg *g, const uint8_t *p, size_t off, size_t end)
{
	memcpy(g->data + off, p, end - off);
	for (size_t b = off / BLK; b * BLK < end; b++) {
		if (!has(g, b)) {
			g->have[b / 64] |= 1ULL << (b % 64);
			g->blocks++;
		}
	}
	if (end > g->maxend)
		g->maxend = end;
}

/* The earlier fragment that overlaps [off, end), for the detail. */
static uint64_t overlapping_frame(const struct dg *g, size_t off, size_t end)
{
	for (size_t i = 0; i < g->nfrags; i++)
		if (g->frags[i].off < end && off < g->frags[i].end)
			return g->frags[i].frame;
	return g->first_frame;
}

static int reject(struct cap_defrag *d, const struct cap_frame *f,
		  const char *kind, const struct cap_ip *ip)
{
	cap_anom(d->anom, f->file, f->number, kind,
		 "IPv%u id %u offset %u length %zu", ip->family,
		 (unsigned)ip->frag_id, (unsigned)ip->frag_off, ip->payload_len);
	return 0;
}

/* RFC 791 3.2 / RFC 8200 4.5 checks on one fragment alone (THREATS B8). */
static const char *check_alone(const struct cap_ip *ip)
{
	size_t end = (size_t)ip->frag_off + ip->payload_len;
	if (ip->snapcut)
		return "frag_snaplen";
	if (ip->payload_len == 0)
		return "frag_empty";
	if (ip->frag_more && ip->payload_len % BLK)
		return "frag_bad_length";
	if (end + (ip->family == 4 ? 20 : 0) > CAP_DEFRAG_MAX_DATAGRAM)
		return "frag_too_long";
	return NULL;
}

/* Conflicts with the datagram's known end (a second "last" fragment, or
 * data past the end). */
static bool end_conflict(const struct dg *g, const struct cap_ip *ip, size_t end)
{
	if (!ip->frag_more)
		return (g->total_known && g->total != end) || g->maxend > end;
	return g->total_known && end > g->total;
}

static int add_frag(struct cap_defrag *d, struct dg *g, const struct cap_ip *ip,
		    const struct cap_frame *f)
{
	size_t off = ip->frag_off, end = off + ip->payload_len;
	if (end_conflict(g, ip, end)) {
		d->anom->st->frag_overlaps++;
		drop(d, g, "frag_overlap_conflict", f->number);
		return 0;
	}
	int rc = grow(d, g, end);
	if (rc == ST_ENOMEM)
		return rc;
	if (rc != ST_OK) {
		drop(d, g, "frag_memory_cap", f->number);
		return 0;
	}
	long seen = compare(g, ip->payload, off, end);
	if (seen < 0) {
		cap_anom(d->anom, f->file, f->number, "frag_overlap_conflict",
			 "IPv%u id %u offset %zu: bytes differ from frame %llu; datagram dropped",
			 ip->family, (unsigned)ip->frag_id, off,
			 (unsigned long long)overlapping_frame(g, off, end));
		d->anom->st->frag_overlaps++;
		destroy(d, g);
		return 0;
	}
	size_t nblk = (end - off + BLK - 1) / BLK;
	if ((size_t)seen == nblk) {
		d->anom->st->frag_dups++;
		return 0;
	}
	if (seen > 0)
		d->anom->st->frag_overlaps++;
	if (g->nfrags == CAP_DEFRAG_MAX_FRAGS) {
		drop(d, g, "frag_limit", f->number);
		return 0;
	}
	struct dg_frag *nf = realloc(g->frags, (g->nfrags + 1) * sizeof(*nf));
	if (!nf)
		return ST_ENOMEM;
	g->frags = nf;
	g->frags[g->nfrags++] = (struct dg_frag){ (uint32_t)off, (uint32_t)end, f->number };
	charge(d, g, sizeof(*nf));
	store(g, ip->payload, off, end);
	if (!ip->frag_more) {
		g->total = end;
		g->total_known = true;
	}
	return 1;
}

static void make_key(struct dg_key *k, const struct cap_ip *ip)
{
	memset(k, 0, sizeof(*k));
	k->family = ip->family;
	k->proto = ip->proto;
	k->id = ip->frag_id;
	memcpy(k->src, ip->src, 16);
	memcpy(k->dst, ip->dst, 16);
}

int cap_defrag_push(struct cap_defrag *d, const struct cap_ip *ip,
		    const struct cap_frame *f, struct cap_defrag_out *out)
{
	free(d->done);
	d->done = NULL;
	d->anom->st->frags++;
	const char *bad = check_alone(ip);
	if (bad)
		return reject(d, f, bad, ip);
	if (ip->frag_off == 0 && ip->frag_more && ip->payload_len < CAP_DEFRAG_TINY)
		reject(d, f, "frag_tiny", ip); /* RFC 1858; still reassembled */
	struct dg_key k;
	make_key(&k, ip);
	uint64_t h = cap_htab_hash(&d->tab, &k, sizeof(k));
	struct dg *g = cap_htab_find(&d->tab, h, key_eq, &k);
	if (!g && !(g = create(d, &k, h, f)))
		return reject(d, f, "frag_memory_cap", ip);
	int rc = add_frag(d, g, ip, f);
	if (rc <= 0)
		return rc;
	if (!g->total_known || g->blocks != (g->total + BLK - 1) / BLK)
		return 0;
	/* Complete: hand the bytes over and forget the datagram. */
	out->data = d->done = g->data;
	out->len = g->total;
	out->proto = g->key.proto;
	out->first_file = g->first_file;
	out->first_frame = g->first_frame;
	g->data = NULL;
	d->anom->st->frag_datagrams++;
	destroy(d, g);
	return 1;
}

void cap_defrag_expire(struct cap_defrag *d, int64_t now_ns)
{
	while (d->oldest && now_ns - d->oldest->first_ts > d->timeout_ns) {
		d->anom->st->frag_timeouts++;
		drop(d, d->oldest, "frag_timeout", d->oldest->first_frame);
	}
}

void cap_defrag_finish(struct cap_defrag *d)
{
	free(d->done);
	d->done = NULL;
	while (d->oldest)
		drop(d, d->oldest, "frag_incomplete", d->oldest->first_frame);
}

size_t cap_defrag_mem(const struct cap_defrag *d)
{
	return d->mem;
}

void cap_defrag_free(struct cap_defrag *d)
{
	if (!d)
		return;
	while (d->oldest)
		destroy(d, d->oldest);
	free(d->done);
	cap_htab_clear(&d->tab);
	free(d);
}
