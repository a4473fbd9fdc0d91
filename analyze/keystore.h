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

struct an_key {
	struct dec_dnskey dk;     /* dk.key points into rdata below */
	uint8_t *rdata;           /* owned copy */
	uint16_t rdlen;
	uint8_t fingerprint[32];  /* SHA-256 of the RDATA */
	int64_t first_ns, last_ns;
	uint64_t seen;            /* DNSKEY RRsets it was in */
	uint32_t ttl;
	bool tag_collision;       /* another published key of the zone shares tag+alg */
	int64_t db_id;            /* row in the keys table, 0 until stored */
};

struct an_zone_keys {
	struct dec_name zone;     /* lowercased */
	struct an_key *keys;
	uint16_t nkeys;
	int64_t last_rrset_ns;    /* when a DNSKEY RRset was last seen */
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
/* The zone's keys, or NULL if none was ever seen. */
const struct an_zone_keys *an_keystore_zone(const struct an_keystore *ks,
					    const struct dec_name *zone);
/* Calls fn for every zone (for storing at the end). */
void an_keystore_each(struct an_keystore *ks, void (*fn)(void *ctx, struct an_zone_keys *z),
		      void *ctx);
uint64_t an_keystore_limited(const struct an_keystore *ks);
