/* analyze/result.h -- a validation outcome: verdicts are data, not errors.
 *
 * Every check in analyze/ that judges DNS data (a signature window, a key's
 * shape, one RRSIG under one DNSKEY) fills a struct an_result. Error codes
 * (util/err.h) are kept for failures of the program (ENOMEM, a cap hit);
 * "the signature is bogus" is a verdict. `why` always points to a static
 * string, so results can be copied, memoized and stored without owning
 * anything. `ede` is the RFC 8914 code a validator should have returned,
 * with the same numbers as ldns 1.8.3's LDNS_EDE_* (AN_EDE_* below, checked
 * against ldns in tests/unit/test_analyze_sigcheck.c). */
#pragma once
#include <stdint.h>

enum an_verdict {
	AN_VALID = 0,
	AN_BOGUS,         /* the data is wrong: signature, window, key */
	AN_UNSUPPORTED,   /* algorithm or key size we (and BIND) refuse */
	AN_INDETERMINATE, /* could not decide: a work cap was hit */
};

/* Finer reason than the verdict, for counters and the report. */
enum an_reason {
	AN_R_OK = 0,
	AN_R_SIG_BAD,          /* crypto says no: EDE 6 */
	AN_R_SIG_MALFORMED,    /* signature length wrong for the algorithm */
	AN_R_ALG_MISMATCH,     /* RRSIG algorithm != DNSKEY algorithm */
	AN_R_ALG_UNSUPPORTED,  /* unknown or refused algorithm: EDE 1 */
	AN_R_KEY_MALFORMED,    /* DNSKEY public key of the wrong shape */
	AN_R_KEY_UNSUPPORTED,  /* well-formed key outside our limits (RSA size) */
	AN_R_KEY_UNUSABLE,     /* protocol != 3, zone bit clear (EDE 11), REVOKE */
	AN_R_NOT_YET_VALID,    /* EDE 8 */
	AN_R_EXPIRED,          /* EDE 7 */
	AN_R_EXPIRED_BEFORE_VALID, /* EDE 25 */
	AN_R_LIMIT,            /* a work cap was hit */
	AN_R_INTERNAL,         /* OpenSSL refused something it should accept */
	AN_R_COUNT
};

/* RFC 8914 codes used by analyze/ (same values as LDNS_EDE_*). */
enum {
	AN_EDE_NONE = 0xFFFF, /* no EDE applies (valid) */
	AN_EDE_OTHER = 0,
	AN_EDE_UNSUPPORTED_DNSKEY_ALG = 1,
	AN_EDE_DNSSEC_INDETERMINATE = 5,
	AN_EDE_DNSSEC_BOGUS = 6,
	AN_EDE_SIGNATURE_EXPIRED = 7,
	AN_EDE_SIGNATURE_NOT_YET_VALID = 8,
	AN_EDE_DNSKEY_MISSING = 9,
	AN_EDE_NO_ZONE_KEY_BIT_SET = 11,
	AN_EDE_SIGNATURE_EXPIRED_BEFORE_VALID = 25,
};

struct an_result {
	enum an_verdict verdict;
	enum an_reason reason;
	uint16_t ede;        /* AN_EDE_NONE when valid */
	uint16_t key_tag;    /* the DNSKEY's tag, for "under the key with tag T" */
	const char *why;     /* static text, never NULL after a check */
	uint32_t at;         /* the time the check was made for (packet time) */
};

/* Static text for a reason ("signature does not verify", ...). */
const char *an_reason_str(enum an_reason r);
