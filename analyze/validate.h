/* analyze/validate.h -- signature consistency of every response, replayed
 * at the response's own capture timestamp.
 *
 * For each RRSIG in a response (answer, authority and additional
 * sections), the validator finds the RRset it covers, builds the signed
 * data (analyze/canon.h), picks the DNSKEYs of the signer seen in the
 * capture with the RRSIG's tag and algorithm (analyze/keystore.h), and
 * verifies (analyze/sigcheck.h) with the time window checked at the
 * packet's time. Each check becomes a row (sig_checks) tied to the server
 * that sent it and to a distinct signature (signatures); the first
 * failure of each kind per zone and key tag becomes a finding with its
 * frame number.
 *
 * Streaming: a resolver usually asks for a zone's DNSKEY after the answer
 * that needs it, so a response whose keys have not been seen waits in a
 * bounded queue for AN_VAL_GRACE_NS of capture time (or until the keys
 * arrive); then it is validated with what is known, at its own timestamp.
 *
 * Work caps (THREATS.md F1-F4, the limits Unbound and Knot Resolver chose):
 * RRSIGs looked at per response, candidate keys per RRSIG, crypto
 * operations per response. Memoized checks cost no budget. Hitting a cap
 * is a finding (kind "work_limit") and the RRSIGs left are indeterminate.
 *
 * The validator owns its key store, crypto context and queue; it writes
 * through the database handle it is given but does not own it. */
#pragma once
#include <stdint.h>
#include "analyze/db.h"
#include "capture/frame.h"
#include "decode/msg.h"

#define AN_VAL_MAX_RRSIGS_PER_RESPONSE 64
#define AN_VAL_MAX_KEYS_PER_RRSIG 4          /* THREATS.md caps table */
#define AN_VAL_MAX_CRYPTO_PER_RESPONSE 32    /* Knot Resolver */
#define AN_VAL_GRACE_NS 10000000000LL        /* 10 s of capture time */
#define AN_VAL_PENDING_MAX 4096              /* responses waiting for keys */
#define AN_VAL_PENDING_BYTES (16u << 20)
#define AN_VAL_MAX_RECOVER 65536             /* ECDSA key recoveries per run */

struct an_val_stats {
	uint64_t responses;      /* responses carrying at least one RRSIG */
	uint64_t rrsigs, valid, bogus, indeterminate, unsupported;
	uint64_t rrsigs_missing; /* RRsets without RRSIG in a secure zone (EDE 10) */
	uint64_t denials, denials_bogus; /* NXDOMAIN/NODATA/no-DS proofs judged, and bogus */
	uint64_t collateral;     /* referrals to unsigned children with a bogus no-DS proof */
	uint64_t chain_bogus;    /* checks in a zone whose chain of trust is broken or that fail in a secure zone */
	uint64_t no_rrset;       /* RRSIG without the RRset it covers */
	uint64_t deferred, pending_evicted, limit_hits;
	uint64_t crypto_ops, memo_hits;
	uint64_t keys, keystore_limited;
	uint64_t recovery_ops, recovered_keys;
};

struct an_validator;

struct an_anchors;

/* NULL when out of memory. anchors (copied; may be NULL): where the chain
 * of trust starts. */
struct an_validator *an_validator_new(struct an_db *db, const struct an_anchors *anchors);
void an_validator_free(struct an_validator *v);
/* How long a response waits for its signer's keys, in capture time
 * (default AN_VAL_GRACE_NS). A live tap trades completeness for speed: an
 * unpublished key never arrives, so the wait is the alert's delay. */
void an_validator_set_grace(struct an_validator *v, int64_t grace_ns);
/* One decoded message stored as msg_id. Only responses are looked at.
 * Returns ST_OK, ST_EDB or ST_ENOMEM. */
int an_validator_message(struct an_validator *v, const struct cap_msg *cm,
			 const struct dec_msg *m, int64_t msg_id);
/* End of input: validates what still waits, stores the key history. */
int an_validator_finish(struct an_validator *v);
const struct an_val_stats *an_validator_stats(const struct an_validator *v);
