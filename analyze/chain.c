/* analyze/chain.c -- see chain.h. */
#include <string.h>
#include "analyze/anchor.h"
#include "analyze/chain.h"

const char *an_chain_name(enum an_chain c)
{
	static const char *const names[] = { "indeterminate", "secure", "insecure", "bogus" };
	return (unsigned)c < 4 ? names[c] : "indeterminate";
}

static int ds_matches(const struct an_zone_keys *z, const struct an_ds *d, const struct an_key *k)
{
	uint8_t digest[AN_KS_DIGEST_MAX];
	if (d->tag != k->dk.tag || d->algorithm != k->dk.algorithm)
		return 0;
	size_t n = an_ds_digest(d->digest_type, &z->zone, k->rdata, k->rdlen, digest, sizeof(digest));
	return n && n == d->digest_len && memcmp(digest, d->digest, n) == 0;
}

static enum an_chain zone_status(struct an_keystore *ks, const struct dec_name *zone, int depth);

/* Whether the zone's DS records can be trusted: anchors are; otherwise
 * the DS RRset must have been validly signed by a secure parent. */
static int ds_trusted(struct an_keystore *ks, struct an_zone_keys *z, const struct an_ds *d,
		      int depth)
{
	if (d->anchor)
		return 1;
	return z->ds_validated && zone_status(ks, &z->ds_signer, depth + 1) == AN_CHAIN_SECURE;
}

static enum an_chain judge(struct an_keystore *ks, struct an_zone_keys *z, int depth)
{
	int trusted = 0, supported = 0, matched = 0;
	for (unsigned i = 0; i < z->nds; i++) {
		const struct an_ds *d = &z->ds[i];
		if (!ds_trusted(ks, z, d, depth))
			continue;
		trusted++;
		if (d->digest_type != 1 && d->digest_type != 2 && d->digest_type != 4)
			continue;
		supported++;
		for (unsigned k = 0; k < z->nkeys; k++) {
			if (!z->keys[k].published || !ds_matches(z, d, &z->keys[k]))
				continue;
			matched++;
			if (z->keys[k].signs_keyset)
				return AN_CHAIN_SECURE;
		}
	}
	if (!trusted)
		return AN_CHAIN_INDETERMINATE;
	/* RFC 4035 5.2: only unsupported digests: treat as unsigned. */
	if (!supported)
		return AN_CHAIN_INSECURE;
	if (z->nkeys == 0)
		return AN_CHAIN_INDETERMINATE;
	/* Keys seen, DS trusted, and no DS key signs the key set: either no
	 * key matches the DS (DS mismatch) or the key set signature failed;
	 * a matched key whose signature is simply not seen yet stays open. */
	return matched ? AN_CHAIN_INDETERMINATE : AN_CHAIN_BOGUS;
}

static enum an_chain zone_status(struct an_keystore *ks, const struct dec_name *zone, int depth)
{
	if (depth > AN_CHAIN_MAX_DEPTH)
		return AN_CHAIN_INDETERMINATE;
	struct an_zone_keys *z = an_keystore_find(ks, zone);
	if (!z)
		return AN_CHAIN_INDETERMINATE;
	uint64_t gen = an_keystore_gen(ks);
	if (z->status_gen == gen + 1)
		return (enum an_chain)z->status;
	/* Mark before recursing: a DS signed by the zone itself (a loop in
	 * hostile data) finds "indeterminate", not infinite recursion. */
	z->status_gen = gen + 1;
	z->status = AN_CHAIN_INDETERMINATE;
	z->status = judge(ks, z, depth);
	return (enum an_chain)z->status;
}

enum an_chain an_chain_zone(struct an_keystore *ks, const struct dec_name *zone)
{
	return zone_status(ks, zone, 0);
}
