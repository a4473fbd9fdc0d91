/* analyze/denial.h -- authenticated denial of existence: does the NSEC or
 * NSEC3 proof in one decoded response show what the response claims?
 *
 * The judge works on one message and does only the proof logic (RFC 4035
 * 5.4, RFC 4034 4 and 6.1 for NSEC; RFC 5155 5, 7.2 and 8 for NSEC3). The
 * signatures are the caller's business: it passes, per m->rr index, which
 * NSEC/NSEC3 RRs had an RRSIG that verified (analyze/validate.c knows);
 * the others are ignored as if they were absent. Nothing is allocated and
 * nothing outlives the call: names and hashes live on the stack, pointers
 * in the result point to static strings or into m->wire.
 *
 * Work caps (THREATS.md F5-F7, F12; Unbound and Knot Resolver limits):
 * NSEC3 RRs per response, iterations hashed, hash computations per
 * response (a budget the caller may share between several calls about
 * one response), labels walked looking for the closest encloser. Hashes
 * are memoized per call by (name, salt, iterations); a memo hit is free.
 *
 * Which records are looked at: NSEC and NSEC3 RRs of the authority
 * section. NSEC3 RRs whose owner is not exactly one label below `zone`
 * are ignored (another zone's chain); NSEC RRs whose owner is outside
 * `zone` are ignored. If NSEC3 RRs of the zone are present the proof is
 * judged as NSEC3, else as NSEC. */
#pragma once
#include <stdint.h>
#include "decode/msg.h"

/* Caps. */
#define AN_DENIAL_MAX_HASHES 8       /* hash computations per response (Unbound MAX_NSEC3_CALCULATIONS) */
#define AN_DENIAL_MAX_NSEC3 8        /* more NSEC3 RRs in AUTHORITY: bogus (Knot Resolver) */
#define AN_DENIAL_MAX_WALK 8         /* closest-encloser candidates tried (Unbound CVE-2026-42923 fix) */
#define AN_NSEC3_MAX_ITERATIONS 150  /* above: insecure, EDE 27, never hashed (Unbound default, RFC 9276 3.2) */
#define AN_DENIAL_MEMO 16            /* memoized hashes per call */

#define AN_NSEC3_HASH_SHA1 1
#define AN_NSEC3_SHA1_LEN 20
#define AN_NSEC3_FLAG_OPTOUT 0x01
#define AN_NSEC3_B32_LEN 32          /* base32hex text of a SHA-1 hash */

/* RFC 8914 codes not in analyze/result.h. ldns 1.8.3 stops at 26, so 27
 * (RFC 9276 section 6, "Unsupported NSEC3 Iterations Value") is ours. */
#define AN_DENIAL_EDE_NSEC_MISSING 12
#define AN_DENIAL_EDE_NSEC3_ITERATIONS 27

enum an_denial_kind {
	AN_DENIAL_NXDOMAIN,  /* qname does not exist (and no wildcard applies) */
	AN_DENIAL_NODATA,    /* qname exists, qtype does not (ENT, wildcard no data, DS) */
	AN_DENIAL_NO_DS,     /* insecure delegation: the referral proves no DS at qname,
			      * the delegation point (owner of the referral's NS RRset) */
	AN_DENIAL_WILDCARD,  /* a wildcard answer: prove qname itself does not exist */
};

enum an_denial_verdict {
	AN_DENIAL_PROVEN = 0,    /* the proof holds */
	AN_DENIAL_BOGUS,         /* a proof is missing, broken or contradicts the claim */
	AN_DENIAL_INSECURE,      /* opt-out covers the name, or iterations > AN_NSEC3_MAX_ITERATIONS */
	AN_DENIAL_INDETERMINATE, /* a work cap was hit before a verdict (return ST_ELIMIT) */
};

enum an_denial_method { AN_DENIAL_NONE = 0, AN_DENIAL_BY_NSEC, AN_DENIAL_BY_NSEC3 };

/* Hash computations allowed for one response. Initialise once per
 * response with an_denial_budget_init() and pass the same budget to every
 * call about that response. */
struct an_denial_budget {
	unsigned hashes_left;
	unsigned limit_hits;     /* calls that stopped on this budget */
};

struct an_denial_result {
	enum an_denial_verdict verdict;
	enum an_denial_method method;
	/* Static reason code: "nsec_proof_ok", "nsec3_proof_ok", "nsec3_optout",
	 * "nsec3_iterations_over_limit", "nsec_missing" (no NSEC/NSEC3 at all),
	 * "nsec_unverified" (present, none usable), "too_many_nsec3",
	 * "nsec3_mixed_parameters", "nsec3_bad_hash_length",
	 * "nsec3_unknown_algorithm", "nsec3_unknown_flags", "nsec3_bad_owner",
	 * "nsec_malformed", "no_closest_encloser", "next_closer_not_covered",
	 * "next_closer_not_optout", "wildcard_not_denied", "qname_exists",
	 * "name_not_covered", "type_in_bitmap", "not_a_delegation",
	 * "delegation_not_usable", "nodata_not_proven", "no_matching_nsec",
	 * "not_a_wildcard", "no_wildcard_rrsig", "qname_not_in_zone",
	 * "nsec3_hash_limit", "nsec3_walk_limit", "bad_argument". */
	const char *why;
	uint16_t ede;            /* AN_EDE_NONE (proven, opt-out, indeterminate),
				  * AN_EDE_DNSSEC_BOGUS, AN_DENIAL_EDE_NSEC_MISSING,
				  * AN_DENIAL_EDE_NSEC3_ITERATIONS */
	unsigned hashes;         /* NSEC3 hashes computed in this call */
	unsigned memo_hits;      /* hashes answered from the memo */
	unsigned nsec, nsec3;    /* NSEC / NSEC3 RRs in the authority section */
	unsigned usable;         /* of those, usable (verified, well formed, this zone) */
	uint16_t iterations;     /* NSEC3 iterations seen (first usable RR) */
	uint8_t salt_len;
	uint8_t ce_labels;       /* closest encloser's label count when one was proven */
	uint8_t child_side;      /* NODATA for DS proven by a record with SOA set: the
				  * child's apex answered (RFC 5155 B.6); a DS denial
				  * the parent should have signed: the caller checks
				  * that the signer is not qname */
	int ce_rr, nc_rr, wc_rr; /* m->rr index matching the closest encloser (or qname),
				  * covering the next closer (or qname), and covering or
				  * matching the wildcard; -1 if not used */
};

void an_denial_budget_init(struct an_denial_budget *b);

/* Judges the denial of existence in m for (qname, qtype) as `kind`.
 * zone: the signer of the NSEC/NSEC3 RRs (RRSIG signer name); NULL takes
 * the parent of the first NSEC3 owner, or the root for NSEC. usable: one
 * byte per m->rr index, nonzero when the caller verified that RR's RRSIG;
 * NULL means all usable. budget: NULL for a private one of
 * AN_DENIAL_MAX_HASHES. For AN_DENIAL_WILDCARD the RRSIG labels field is
 * taken from the answer section's RRSIG over (qname, qtype or CNAME) with
 * fewer labels than qname, preferring usable ones; use
 * an_denial_check_wildcard() to give it.
 * Fills *out always. Returns ST_OK with a verdict, ST_ELIMIT when a work
 * cap stopped the judge (verdict AN_DENIAL_INDETERMINATE), ST_EINVAL for
 * NULL m/qname/out. */
int an_denial_check(const struct dec_msg *m, enum an_denial_kind kind,
		    const struct dec_name *qname, uint16_t qtype,
		    const struct dec_name *zone, const uint8_t *usable,
		    struct an_denial_budget *budget, struct an_denial_result *out);

/* AN_DENIAL_WILDCARD with the RRSIG labels field given: the wildcard's
 * closest encloser is qname's rightmost rrsig_labels labels. */
int an_denial_check_wildcard(const struct dec_msg *m, const struct dec_name *qname,
			     uint16_t qtype, uint8_t rrsig_labels,
			     const struct dec_name *zone, const uint8_t *usable,
			     struct an_denial_budget *budget, struct an_denial_result *out);

/* RFC 5155 section 5 hash of name (case folded here) with SHA-1:
 * IH(salt, x, 0) = H(x || salt), IH(salt, x, k) = H(IH(salt, x, k-1) || salt).
 * Returns ST_OK, ST_EUNSUPP for an algorithm other than 1, ST_ELIMIT for
 * iterations > AN_NSEC3_MAX_ITERATIONS (nothing hashed), ST_EINVAL. No
 * budget here: an_denial_check() does the counting. */
int an_nsec3_hash(const struct dec_name *name, uint8_t alg, uint16_t iterations,
		  const uint8_t *salt, size_t salt_len, uint8_t out[AN_NSEC3_SHA1_LEN]);

/* base32hex (RFC 4648 section 7, no padding) of a 20-byte hash: writes
 * AN_NSEC3_B32_LEN lowercase characters and a NUL. */
void an_nsec3_b32_encode(const uint8_t hash[AN_NSEC3_SHA1_LEN], char out[AN_NSEC3_B32_LEN + 1]);
/* Decodes len base32hex characters (either case) into out; returns the
 * byte count or -1 (bad character, cap, or leftover bits not zero). */
int an_nsec3_b32_decode(const uint8_t *text, size_t len, uint8_t *out, size_t cap);

const char *an_denial_verdict_str(enum an_denial_verdict v);
/* Whether a reason code is one of an_denial_result.why's (so a stored
 * verdict can be classed as a denial failure). */
int an_denial_is_reason(const char *code);
