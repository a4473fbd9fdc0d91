/* analyze/keystore.c -- zones in an open-addressing table keyed by the
 * lowercased name; keys per zone in a small array (at most
 * AN_KS_MAX_KEYS_PER_ZONE, so a linear scan is cheaper than a hash). */
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/keystore.h"
#include "util/err.h"

struct an_keystore {
	struct an_zone_keys **slot;
	size_t nslot, nzones;
	uint64_t limited;
};

static uint64_t zone_hash(const struct dec_name *n)
{
	uint64_t h = 1469598103934665603ull;
	for (unsigned i = 0; i < n->len; i++)
		h = (h ^ n->wire[i]) * 1099511628211ull;
	return h;
}

struct an_keystore *an_keystore_new(void)
{
	struct an_keystore *ks = calloc(1, sizeof(*ks));
	if (!ks)
		return NULL;
	ks->nslot = 256;
	ks->slot = calloc(ks->nslot, sizeof(*ks->slot));
	if (!ks->slot) {
		free(ks);
		return NULL;
	}
	return ks;
}

void an_keystore_free(struct an_keystore *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->nslot; i++) {
		struct an_zone_keys *z = ks->slot[i];
		if (!z)
			continue;
		for (unsigned k = 0; k < z->nkeys; k++)
			free(z->keys[k].rdata);
		free(z->keys);
		free(z);
	}
	free(ks->slot);
	free(ks);
}

static struct an_zone_keys **find_slot(struct an_zone_keys **slot, size_t nslot,
				       const struct dec_name *zone)
{
	size_t i = zone_hash(zone) & (nslot - 1);
	while (slot[i] && !(slot[i]->zone.len == zone->len &&
			    memcmp(slot[i]->zone.wire, zone->wire, zone->len) == 0))
		i = (i + 1) & (nslot - 1);
	return &slot[i];
}

static int grow(struct an_keystore *ks)
{
	size_t n = ks->nslot * 2;
	struct an_zone_keys **s = calloc(n, sizeof(*s));
	if (!s)
		return ST_ENOMEM;
	for (size_t i = 0; i < ks->nslot; i++)
		if (ks->slot[i])
			*find_slot(s, n, &ks->slot[i]->zone) = ks->slot[i];
	free(ks->slot);
	ks->slot = s;
	ks->nslot = n;
	return ST_OK;
}

static struct an_zone_keys *zone_get(struct an_keystore *ks, const struct dec_name *lower,
				     int *err)
{
	struct an_zone_keys **p = find_slot(ks->slot, ks->nslot, lower);
	if (*p)
		return *p;
	if (ks->nzones >= AN_KS_MAX_ZONES) {
		ks->limited++;
		return NULL;
	}
	if (ks->nzones * 2 >= ks->nslot) {
		if (grow(ks)) {
			*err = ST_ENOMEM;
			return NULL;
		}
		p = find_slot(ks->slot, ks->nslot, lower);
	}
	struct an_zone_keys *z = calloc(1, sizeof(*z));
	if (!z) {
		*err = ST_ENOMEM;
		return NULL;
	}
	z->zone = *lower;
	*p = z;
	ks->nzones++;
	return z;
}

static void mark_collisions(struct an_zone_keys *z, struct an_key *k)
{
	for (unsigned i = 0; i < z->nkeys; i++) {
		struct an_key *o = &z->keys[i];
		if (o != k && o->dk.tag == k->dk.tag && o->dk.algorithm == k->dk.algorithm)
			o->tag_collision = k->tag_collision = true;
	}
}

struct an_key *an_keystore_add(struct an_keystore *ks, const struct dec_name *zone,
			       const uint8_t *rdata, uint16_t rdlen, uint32_t ttl,
			       int64_t ts_ns, bool *is_new, int *err)
{
	struct dec_name lower = *zone;
	dec_name_lower(&lower);
	*is_new = false;
	if (rdlen < 4)
		return NULL;
	struct an_zone_keys *z = zone_get(ks, &lower, err);
	if (!z)
		return NULL;
	z->last_rrset_ns = ts_ns;
	for (unsigned i = 0; i < z->nkeys; i++) {
		struct an_key *k = &z->keys[i];
		if (k->rdlen == rdlen && memcmp(k->rdata, rdata, rdlen) == 0) {
			k->last_ns = ts_ns;
			k->seen++;
			k->ttl = ttl;
			return k;
		}
	}
	if (z->nkeys >= AN_KS_MAX_KEYS_PER_ZONE) {
		ks->limited++;
		return NULL;
	}
	struct an_key *nk = realloc(z->keys, (z->nkeys + 1u) * sizeof(*nk));
	uint8_t *copy = malloc(rdlen);
	if (!nk || !copy) {
		if (nk)
			z->keys = nk;
		free(copy);
		*err = ST_ENOMEM;
		return NULL;
	}
	z->keys = nk;
	memcpy(copy, rdata, rdlen);
	struct an_key *k = &z->keys[z->nkeys++];
	memset(k, 0, sizeof(*k));
	k->rdata = copy;
	k->rdlen = rdlen;
	k->dk.flags = (uint16_t)(copy[0] << 8 | copy[1]);
	k->dk.protocol = copy[2];
	k->dk.algorithm = copy[3];
	k->dk.key = copy + 4;
	k->dk.key_len = rdlen - 4u;
	k->dk.tag = dec_key_tag(copy, rdlen);
	SHA256(copy, rdlen, k->fingerprint);
	k->first_ns = k->last_ns = ts_ns;
	k->seen = 1;
	k->ttl = ttl;
	mark_collisions(z, k);
	*is_new = true;
	return k;
}

const struct an_zone_keys *an_keystore_zone(const struct an_keystore *ks,
					    const struct dec_name *zone)
{
	struct dec_name lower = *zone;
	dec_name_lower(&lower);
	return *find_slot(ks->slot, ks->nslot, &lower);
}

void an_keystore_each(struct an_keystore *ks, void (*fn)(void *ctx, struct an_zone_keys *z),
		      void *ctx)
{
	for (size_t i = 0; i < ks->nslot; i++)
		if (ks->slot[i])
			fn(ctx, ks->slot[i]);
}

uint64_t an_keystore_limited(const struct an_keystore *ks)
{
	return ks->limited;
}
