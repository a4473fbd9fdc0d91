/* analyze/keystore.h -- every DNSKEY seen, per zone, over time.
 *
 * The key store owns copies of the DNSKEY RDATA it keeps: a response's
 * bytes die with the response, keys live for the whole analysis. Keys are
 * distinct by their full RDATA; a zone whose published keys share a
 * (tag, algorithm) is a key-tag collision among published keys and is
 * flagged. Caps: AN_KS_MAX_ZONES zones and AN_KS_MAX_KEYS_PER_ZONE keys
 * per zone; beyond them new keys are not kept and `limited` counts them
 * (a KeyTrap-style flood cannot grow the store without bound). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "decode/name.h"
#include "decode/rdata.h"

#define AN_KS_MAX_ZONES 65536
#define AN_KS_MAX_KEYS_PER_ZONE 64
#define AN_KS_MAX_DS_PER_ZONE 16       /* Unbound stops after 4 DS failures */
#define AN_KS_DIGEST_MAX 64

struct an_key {
	struct dec_dnskey dk;     /* dk.key points into rdata below */
	uint8_t *rdata;           /* owned copy */
	uint16_t rdlen;
	uint8_t fingerprint[32];  /* SHA-256 of the RDATA */
	int64_t first_ns, last_ns;
	uint64_t seen;            /* DNSKEY RRsets it was in */
	uint32_t ttl;
	bool tag_collision;       /* another published key of the zone shares tag+alg */
	bool signs_keyset;        /* made a valid signature over its zone's DNSKEY RRset */
	bool published;           /* in the zone's latest DNSKEY RRset */
	int64_t db_id;            /* row in the keys table, 0 until stored */
};

/* A DS record of the zone (from its parent, or a trust anchor). */
struct an_ds {
	uint16_t tag;
	uint8_t algorithm, digest_type, digest_len;
	uint8_t digest[AN_KS_DIGEST_MAX];
	bool anchor;              /* configured trust anchor: trusted as is */
};

struct an_zone_keys {
	struct dec_name zone;     /* lowercased */
	struct an_key *keys;      /* pointers into it die on the next add to the zone */
	uint16_t nkeys;
	int64_t last_rrset_ns;    /* when a DNSKEY RRset was last seen */
	struct an_ds ds[AN_KS_MAX_DS_PER_ZONE];
	uint16_t nds;
	bool ds_validated;        /* the DS RRset carried a valid RRSIG of ds_signer */
	struct dec_name ds_signer;
	bool is_cut;              /* seen as a delegation (NS in a referral) */
	bool key_cap_hit;         /* a key of this zone was dropped at AN_KS_MAX_KEYS_PER_ZONE */
	uint64_t status_gen;      /* an_keystore generation status was computed at */
	int status;               /* cached chain status (analyze/chain.h) */
};

struct an_keystore;

struct an_keystore *an_keystore_new(void);
void an_keystore_free(struct an_keystore *ks);
/* Records one DNSKEY RR of zone seen at ts_ns. Returns the key (new or
 * already known), or NULL when a cap was hit (counted) or out of memory
 * (*err = ST_ENOMEM). *is_new tells whether it was unknown before. */
struct an_key *an_keystore_add(struct an_keystore *ks, const struct dec_name *zone,
			       const uint8_t *rdata, uint16_t rdlen, uint32_t ttl,
			       int64_t ts_ns, bool *is_new, int *err);
/* After the keys of one DNSKEY RRset of zone were added: marks exactly
 * those keys (by RDATA) as published, the others as withdrawn. A changed
 * set must be signed again before it is trusted (signs_keyset cleared).
 * Returns whether the published set changed. */
bool an_keystore_publish(struct an_keystore *ks, const struct dec_name *zone,
			 const uint8_t *const *rdata, const uint16_t *rdlen, size_t n);
/* The zone's latest DS RRset replaces the previous one (anchors stay);
 * a changed set is not validated until its RRSIG is checked again. */
int an_keystore_set_ds(struct an_keystore *ks, const struct dec_name *zone,
		       const uint8_t *const *rdata, const uint16_t *rdlen, size_t n);
/* The zone's keys, or NULL if none was ever seen. */
const struct an_zone_keys *an_keystore_zone(const struct an_keystore *ks,
					    const struct dec_name *zone);
/* Same, writable and without creating it (NULL if unknown). */
struct an_zone_keys *an_keystore_find(struct an_keystore *ks, const struct dec_name *zone);
/* Calls fn for every zone (for storing at the end). */
void an_keystore_each(struct an_keystore *ks, void (*fn)(void *ctx, struct an_zone_keys *z),
		      void *ctx);
uint64_t an_keystore_limited(const struct an_keystore *ks);

/* Records one DS of zone (DS RDATA). anchor: from a trust anchor.
 * Duplicates are ignored. ST_OK, ST_ELIMIT (cap, counted), ST_EMALF,
 * ST_ENOMEM. */
int an_keystore_add_ds(struct an_keystore *ks, const struct dec_name *zone,
		       const uint8_t *rdata, size_t rdlen, bool anchor);
/* The zone record (created if needed), for the chain logic to update;
 * NULL when the zone cap is hit or out of memory. */
struct an_zone_keys *an_keystore_zone_rw(struct an_keystore *ks, const struct dec_name *zone);
/* Bumped whenever something the chain of trust depends on changes:
 * chain results cached with an older generation are stale. */
uint64_t an_keystore_gen(const struct an_keystore *ks);
void an_keystore_touch(struct an_keystore *ks);
