/* analyze/pkey.h -- DNSKEY public key -> OpenSSL EVP_PKEY, built once per
 * distinct key and kept in a capped cache.
 *
 * ldns_verify_rrsig_keylist_time() rebuilds the OpenSSL key from the DNSKEY
 * on every call, which halves the verification rate (FACTS.md). Here each
 * distinct (algorithm, public key) is shape-checked (analyze/keyshape.h)
 * and converted once; later lookups cost one SHA-256 of the key and a
 * probe of at most AN_PKEY_WAYS slots. Keys that fail the shape check are
 * cached too, with their reason, so a hostile key repeated 10 000 times is
 * judged once.
 *
 * The table is set-associative open addressing: a key's SHA-256 picks one
 * set of AN_PKEY_WAYS slots; when the set is full the least recently used
 * slot is evicted (its EVP_PKEY freed). At most `max_keys` keys (default
 * AN_PKEY_CACHE_MAX) are held. The SHA-256 of (algorithm, key) is the
 * identity: two different keys never share an entry short of a SHA-256
 * collision. The flags field is not part of the identity (a KSK and the
 * same key with the REVOKE bit share one EVP_PKEY).
 *
 * Ownership: the cache owns every EVP_PKEY and context. A pointer from
 * an_pkey_get() is borrowed and stays valid until the next an_pkey_get() on
 * the same cache (which may evict it) or an_pkey_cache_free(); take a
 * reference with EVP_PKEY_up_ref() to keep the key longer. Not
 * thread-safe: one cache per analysis thread. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#define AN_PKEY_CACHE_MAX 65536
#define AN_PKEY_WAYS 4

struct an_pkey_cache;

/* A cached key, ready to verify: OpenSSL 3 pays a provider fetch and a
 * context setup in every EVP_DigestVerifyInit, so each entry also keeps a
 * context initialised once (openssl speed measures the same way).
 *   RSA, ECDSA: pctx is an EVP_PKEY_CTX after EVP_PKEY_verify_init with the
 *     algorithm's signature digest set: call EVP_PKEY_verify(pctx, sig,
 *     siglen, digest, dlen) with the digest of the signed data.
 *   EdDSA: mctx is an EVP_MD_CTX after EVP_DigestVerifyInit (no digest):
 *     call EVP_DigestVerify(mctx, sig, siglen, data, len).
 * The other context pointer is NULL. */
struct an_pkey {
	EVP_PKEY *pkey;
	EVP_PKEY_CTX *pctx;
	EVP_MD_CTX *mctx;
};

struct an_pkey_stats {
	uint64_t lookups, hits, builds, refused, evictions;
	size_t held; /* keys (good or refused) in the table now */
};

/* max_keys: capacity (rounded up to a power of two, at least AN_PKEY_WAYS);
 * 0 means AN_PKEY_CACHE_MAX. NULL if out of memory. */
struct an_pkey_cache *an_pkey_cache_new(size_t max_keys);
void an_pkey_cache_free(struct an_pkey_cache *c);

/* The cached key for public key field `key` of algorithm alg.
 * ST_OK: *out is set (borrowed, see above).
 * ST_EUNSUPP / ST_EMALF: the key failed an_keyshape_check(); *why says why
 *   (the verdict is cached: no crypto library call is made again for it).
 * ST_ENOMEM: allocation failed (nothing cached).
 * ST_EINVAL: OpenSSL refused a key that passed the shape check (*why). */
int an_pkey_get(struct an_pkey_cache *c, uint8_t alg, const uint8_t *key, size_t len,
		const struct an_pkey **out, const char **why);

void an_pkey_cache_stats(const struct an_pkey_cache *c, struct an_pkey_stats *st);

/* Builds a fresh EVP_PKEY without the cache (caller frees it). Same return
 * codes; used by the cache and by tests. */
int an_pkey_build(uint8_t alg, const uint8_t *key, size_t len, EVP_PKEY **out,
		  const char **why);
