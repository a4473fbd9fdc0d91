/* analyze/validate_int.h -- the validator's insides, shared by
 * analyze/validate.c (signatures present, keys, deferral) and
 * analyze/completeness.c (what is absent: RRSIGs, denial proofs). Not for
 * other modules: they use validate.h. */
#pragma once
#include <openssl/evp.h>
#include <stdbool.h>
#include "analyze/canon.h"
#include "analyze/cluster.h"
#include "analyze/keystore.h"
#include "analyze/sigcheck.h"
#include "analyze/validate.h"
#include "capture/endpoint.h"

#define VAL_ARENA_BUDGET (4u << 20)
#define VAL_MAX_RRS (65536 / 11 + 1) /* RRs one message can hold */
#define VAL_FIRSTS_MAX 65536   /* distinct (zone, tag, reason) findings */

/* What identifies a response outside its decode: enough to store checks
 * and to re-decode it later from a copy. */
struct val_ref {
	int64_t ts_ns;
	uint32_t file;
	uint64_t frame;
	int64_t msg_id;
	char server[CAP_ADDR_TEXT_MAX];
	/* per-response result, filled while its RRSIGs are checked */
	const char *worst;        /* worst chain status in answer/authority */
	const char *bogus_reason;
	int bogus_ede;
};

struct val_pending {
	struct val_ref ref;
	uint8_t *wire;
	size_t len;
};

/* One RRSIG's outcome, as stored. */
struct val_outcome {
	const char *verdict;  /* valid, bogus, indeterminate, unsupported */
	const char *reason;   /* reason code, docs/validation.md */
	int ede;              /* -1 when valid */
	int64_t key_id;
	struct an_key *key;   /* the key that verified it (valid only) */
};

struct an_validator {
	struct an_db *db;
	struct an_keystore *ks;
	struct an_sigcheck sc;
	struct an_buf signed_data;
	struct st_arena *arena;          /* re-decoding pending responses */
	struct an_wire *rds;             /* AN_CANON_MAX_RRS scratch slots */
	uint8_t *denial_ok;              /* per RR of a response: NSEC/NSEC3 whose RRSIG verified */
	EVP_MD_CTX *md;                  /* signature identity hashes */
	struct an_cluster *cluster;      /* keys recovered from failing ECDSA signatures */
	uint64_t recoveries;             /* an_ecrecover calls made, all responses */
	struct val_pending *pend;        /* FIFO ring, capture-time order */
	size_t phead, pcount, pbytes;
	uint64_t *firsts;                /* hashes of findings already made */
	size_t nfirsts;
	struct an_val_stats st;
	int64_t grace_ns;                /* how long a response waits for keys */
	int err;                         /* sticky ST_EDB / ST_ENOMEM */
};

static inline int val_same_owner(const struct dec_name *a, const struct dec_name *b)
{
	return a->len == b->len && dec_name_cmp(a, b) == 0;
}

/* A finding, written once per (kind, zone, tag): the first frame of each
 * problem (validate.c). */
void an_val_finding(struct an_validator *v, const struct val_ref *r, const char *kind,
		    const char *zone, int tag, const char *detail);
/* The worse of two chain statuses (secure < insecure < indeterminate < bogus). */
const char *an_val_worse(const char *a, const char *b);

/* completeness.c */
void an_val_check_unsigned(struct an_validator *v, struct val_ref *r, const struct dec_msg *m);
void an_val_check_denial(struct an_validator *v, struct val_ref *r, const struct dec_msg *m);
/* After a valid RRSIG (at index si) over an NSEC/NSEC3 RRset. */
void an_val_mark_denial(struct an_validator *v, const struct dec_msg *m, uint16_t si,
			const struct dec_rrsig *sig);
