/* analyze/cluster.h -- counting the keys recovered from failing ECDSA
 * signatures, to name the unpublished keys behind them.
 *
 * Each failing signature of algorithm 13/14 yields up to four candidate
 * public keys (analyze/ecrecover.h); exactly one is the key that signed.
 * The true signer recurs across the signatures it made, the other
 * candidates are effectively random points: a candidate seen in two or
 * more distinct signatures is a real key. The table owns copies of the
 * candidates; it is capped (AN_CLUSTER_MAX) and counts what it drops. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "analyze/ecrecover.h"
#include "decode/name.h"

#define AN_CLUSTER_MAX (1u << 18)

struct an_cluster_key {
	struct dec_name zone;      /* lowercased signer */
	uint8_t algorithm;
	uint8_t key[96];
	uint8_t key_len;
	uint16_t tag_zsk, tag_ksk;
	uint16_t sig_tag;          /* the tag the signatures carried */
	uint64_t signatures;       /* distinct failing signatures it explains */
	int64_t first_ns, last_ns;
};

struct an_cluster;

struct an_cluster *an_cluster_new(void);
void an_cluster_free(struct an_cluster *c);
/* Adds the candidates recovered from one distinct failing signature. */
int an_cluster_add(struct an_cluster *c, const struct dec_name *zone, uint8_t alg,
		   uint16_t sig_tag, const struct an_ec_candidate *cand, int n, int64_t ts_ns);
/* Calls fn for every candidate seen in at least min_sigs signatures. */
void an_cluster_each(const struct an_cluster *c, uint64_t min_sigs,
		     void (*fn)(void *ctx, const struct an_cluster_key *k), void *ctx);
uint64_t an_cluster_dropped(const struct an_cluster *c);
