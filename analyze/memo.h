/* analyze/memo.h -- memo of cryptographic verdicts, so that the same
 * (signed data, signature, DNSKEY) triple is verified once however often a
 * capture repeats it (THREATS.md F4, G9: 10 000 repeats of a KeyTrap
 * response cost hash lookups, not verifications).
 *
 * The key is SHA-256 over the length-prefixed canonical signed data, the
 * RRSIG's algorithm and signature octets, and the DNSKEY RDATA fields
 * (flags, protocol, algorithm, public key), truncated to AN_MEMO_KEY_LEN
 * (16) octets: a false hit needs a 128-bit collision (2^64 work for an
 * attacker who chooses both inputs). Only the time-independent crypto
 * verdict is stored; the validity window is checked per packet outside the
 * memo (analyze/serial.h), because the same triple can be valid in one
 * packet and expired in a later one.
 *
 * Set-associative open addressing: the key picks a set of AN_MEMO_WAYS
 * slots, the least recently used slot of a full set is overwritten. At
 * most `max_entries` (default AN_MEMO_MAX) verdicts, 40 octets each,
 * allocated up front. The memo owns nothing but its table; a result read
 * back has `why` pointing to static text as always. Not thread-safe. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "analyze/result.h"

#define AN_MEMO_MAX (1u << 18) /* 262 144 verdicts, about 10 MiB */
#define AN_MEMO_WAYS 4
#define AN_MEMO_KEY_LEN 16

struct an_memo;

struct an_memo_stats {
	uint64_t hits, misses, inserts, evictions;
};

/* max_entries 0 means AN_MEMO_MAX; rounded up to a power of two. NULL if
 * out of memory. */
struct an_memo *an_memo_new(size_t max_entries);
void an_memo_free(struct an_memo *m);

/* Computes the memo key. Returns ST_OK, or ST_ENOMEM if OpenSSL could not
 * hash. */
int an_memo_key(struct an_memo *m, const uint8_t *data, size_t data_len,
		uint8_t sig_alg, const uint8_t *sig, size_t sig_len,
		uint16_t flags, uint8_t protocol, uint8_t key_alg,
		const uint8_t *key, size_t key_len, uint8_t out[AN_MEMO_KEY_LEN]);

/* true and *res filled (res->at untouched) on a hit; counts hit/miss. */
bool an_memo_get(struct an_memo *m, const uint8_t key[AN_MEMO_KEY_LEN], struct an_result *res);
/* Stores (or refreshes) a verdict. */
void an_memo_put(struct an_memo *m, const uint8_t key[AN_MEMO_KEY_LEN], const struct an_result *res);

void an_memo_get_stats(const struct an_memo *m, struct an_memo_stats *st);
