/* analyze/chain.h -- chain of trust: is a zone's key set secure?
 *
 * A zone is secure when one of its DNSKEYs matches a trusted DS of the
 * zone (a configured anchor, or a DS RRset that carried a valid RRSIG of
 * a secure parent) and that key made a valid signature over the zone's
 * DNSKEY RRset (RFC 4035 5.2). It is bogus when its DS is trusted and its
 * keys were seen but none both matches a DS and signs the key set (the
 * DS-mismatch incident: EDE 9). Without a DS or keys the capture cannot
 * tell: indeterminate. Insecure delegations need denial proofs (NSEC,
 * NSEC3), not judged yet: they come out indeterminate.
 *
 * Results are cached per zone with the key store's generation, so a
 * status is recomputed only after keys, DS records or key-set signatures
 * changed. Recursion to the parent is bounded by AN_CHAIN_MAX_DEPTH. */
#pragma once
#include "analyze/keystore.h"

#define AN_CHAIN_MAX_DEPTH 128

enum an_chain {
	AN_CHAIN_INDETERMINATE = 0,
	AN_CHAIN_SECURE,
	AN_CHAIN_INSECURE,
	AN_CHAIN_BOGUS,
};

const char *an_chain_name(enum an_chain c);
enum an_chain an_chain_zone(struct an_keystore *ks, const struct dec_name *zone);
