/* analyze/cluster.c -- open addressing over (zone, algorithm, key). */
#include <stdlib.h>
#include <string.h>
#include "analyze/cluster.h"
#include "util/err.h"

struct an_cluster {
	struct an_cluster_key *slot;   /* key_len 0 marks a free slot */
	size_t nslot, used;
	uint64_t dropped;
};

static uint64_t hash_key(const struct dec_name *zone, uint8_t alg, const uint8_t *key, size_t len)
{
	uint64_t h = 1469598103934665603ull ^ alg;
	for (unsigned i = 0; i < zone->len; i++)
		h = (h ^ zone->wire[i]) * 1099511628211ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ key[i]) * 1099511628211ull;
	return h;
}

struct an_cluster *an_cluster_new(void)
{
	struct an_cluster *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->nslot = 1024;
	c->slot = calloc(c->nslot, sizeof(*c->slot));
	if (!c->slot) {
		free(c);
		return NULL;
	}
	return c;
}

void an_cluster_free(struct an_cluster *c)
{
	if (c)
		free(c->slot);
	free(c);
}

static struct an_cluster_key *find(struct an_cluster_key *slot, size_t nslot,
				   const struct dec_name *zone, uint8_t alg,
				   const uint8_t *key, size_t len)
{
	size_t i = hash_key(zone, alg, key, len) & (nslot - 1);
	for (;; i = (i + 1) & (nslot - 1)) {
		struct an_cluster_key *k = &slot[i];
		if (k->key_len == 0 || (k->algorithm == alg && k->key_len == len &&
					!memcmp(k->key, key, len) && k->zone.len == zone->len &&
					!memcmp(k->zone.wire, zone->wire, zone->len)))
			return k;
	}
}

static int grow(struct an_cluster *c)
{
	size_t n = c->nslot * 2;
	struct an_cluster_key *s = calloc(n, sizeof(*s));
	if (!s)
		return ST_ENOMEM;
	for (size_t i = 0; i < c->nslot; i++) {
		struct an_cluster_key *k = &c->slot[i];
		if (k->key_len)
			*find(s, n, &k->zone, k->algorithm, k->key, k->key_len) = *k;
	}
	free(c->slot);
	c->slot = s;
	c->nslot = n;
	return ST_OK;
}

int an_cluster_add(struct an_cluster *c, const struct dec_name *zone, uint8_t alg,
		   uint16_t sig_tag, const struct an_ec_candidate *cand, int n, int64_t ts_ns)
{
	struct dec_name lower = *zone;
	dec_name_lower(&lower);
	for (int i = 0; i < n; i++) {
		struct an_cluster_key *k = find(c->slot, c->nslot, &lower, alg, cand[i].key,
						cand[i].key_len);
		if (k->key_len == 0) {
			if (c->used >= AN_CLUSTER_MAX) {
				c->dropped++;
				continue;
			}
			if ((c->used + 1) * 2 > c->nslot) {
				if (grow(c))
					return ST_ENOMEM;
				k = find(c->slot, c->nslot, &lower, alg, cand[i].key, cand[i].key_len);
			}
			k->zone = lower;
			k->algorithm = alg;
			memcpy(k->key, cand[i].key, cand[i].key_len);
			k->key_len = (uint8_t)cand[i].key_len;
			k->tag_zsk = cand[i].tag_zsk;
			k->tag_ksk = cand[i].tag_ksk;
			k->sig_tag = sig_tag;
			k->first_ns = ts_ns;
			c->used++;
		}
		k->signatures++;
		k->last_ns = ts_ns;
	}
	return ST_OK;
}

void an_cluster_each(const struct an_cluster *c, uint64_t min_sigs,
		     void (*fn)(void *ctx, const struct an_cluster_key *k), void *ctx)
{
	for (size_t i = 0; i < c->nslot; i++)
		if (c->slot[i].key_len && c->slot[i].signatures >= min_sigs)
			fn(ctx, &c->slot[i]);
}

uint64_t an_cluster_dropped(const struct an_cluster *c)
{
	return c->dropped;
}
