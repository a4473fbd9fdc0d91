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
	uint64_t gen;
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
		if (o != k && o->published && o->dk.tag == k->dk.tag &&
		    o->dk.algorithm == k->dk.algorithm)
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
		z->key_cap_hit = true;
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
	k->published = true;
	mark_collisions(z, k);
	ks->gen++;
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

struct an_zone_keys *an_keystore_find(struct an_keystore *ks, const struct dec_name *zone)
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

struct an_zone_keys *an_keystore_zone_rw(struct an_keystore *ks, const struct dec_name *zone)
{
	struct dec_name lower = *zone;
	int err = ST_OK;
	dec_name_lower(&lower);
	return zone_get(ks, &lower, &err);
}

static bool ds_equal(const struct an_ds *a, const struct an_ds *b)
{
	return a->tag == b->tag && a->algorithm == b->algorithm &&
	       a->digest_type == b->digest_type && a->digest_len == b->digest_len &&
	       !memcmp(a->digest, b->digest, a->digest_len);
}

int an_keystore_add_ds(struct an_keystore *ks, const struct dec_name *zone,
		       const uint8_t *rdata, size_t rdlen, bool anchor)
{
	/* RFC 4034 5.1: tag(2) algorithm(1) digest type(1) digest. */
	if (rdlen < 5 || rdlen - 4 > AN_KS_DIGEST_MAX)
		return ST_EMALF;
	struct an_zone_keys *z = an_keystore_zone_rw(ks, zone);
	if (!z)
		return ST_ELIMIT;
	struct an_ds d = {
		.tag = (uint16_t)(rdata[0] << 8 | rdata[1]), .algorithm = rdata[2],
		.digest_type = rdata[3], .digest_len = (uint8_t)(rdlen - 4), .anchor = anchor,
	};
	memcpy(d.digest, rdata + 4, d.digest_len);
	for (unsigned i = 0; i < z->nds; i++) {
		struct an_ds *o = &z->ds[i];
		if (ds_equal(o, &d)) {
			o->anchor |= anchor;
			return ST_OK;
		}
	}
	if (z->nds >= AN_KS_MAX_DS_PER_ZONE) {
		ks->limited++;
		return ST_ELIMIT;
	}
	z->ds[z->nds++] = d;
	ks->gen++;
	return ST_OK;
}

uint64_t an_keystore_gen(const struct an_keystore *ks)
{
	return ks->gen;
}

void an_keystore_touch(struct an_keystore *ks)
{
	ks->gen++;
}

bool an_keystore_publish(struct an_keystore *ks, const struct dec_name *zone,
			 const uint8_t *const *rdata, const uint16_t *rdlen, size_t n)
{
	struct an_zone_keys *z = an_keystore_find(ks, zone);
	bool changed = false;
	for (unsigned i = 0; z && i < z->nkeys; i++) {
		struct an_key *k = &z->keys[i];
		bool in = false;
		for (size_t j = 0; j < n && !in; j++)
			in = rdlen[j] == k->rdlen && !memcmp(rdata[j], k->rdata, k->rdlen);
		changed |= in != k->published;
		k->published = in;
	}
	if (!changed)
		return false;
	for (unsigned i = 0; i < z->nkeys; i++)
		z->keys[i].signs_keyset = false;
	ks->gen++;
	return true;
}

int an_keystore_set_ds(struct an_keystore *ks, const struct dec_name *zone,
		       const uint8_t *const *rdata, const uint16_t *rdlen, size_t n)
{
	struct an_zone_keys *z = an_keystore_zone_rw(ks, zone);
	if (!z)
		return ST_ELIMIT;
	struct an_ds old[AN_KS_MAX_DS_PER_ZONE];
	uint16_t nold = z->nds;
	memcpy(old, z->ds, sizeof(old));
	uint16_t kept = 0;
	for (unsigned i = 0; i < z->nds; i++)
		if (z->ds[i].anchor)
			z->ds[kept++] = z->ds[i];
	z->nds = kept;
	int rc = ST_OK;
	for (size_t j = 0; j < n && rc != ST_ENOMEM; j++) {
		int r = an_keystore_add_ds(ks, zone, rdata[j], rdlen[j], false);
		if (r != ST_OK)
			rc = r;
	}
	bool same = z->nds == nold;
	for (unsigned i = 0; same && i < nold; i++)
		same = ds_equal(&old[i], &z->ds[i]);
	if (!same) {
		z->ds_validated = false;
		ks->gen++;
	}
	return rc;
}
