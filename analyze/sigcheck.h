/* analyze/sigcheck.h -- one RRSIG, one DNSKEY, the canonical signed data:
 * does the signature verify?
 *
 * This is the cryptographic step of validation only. The caller (the chain
 * logic) chooses which key to try (matching signer, tag and algorithm, with
 * its work caps), builds the signed data with analyze/canon.h, and calls
 * an_sigcheck_verify(). The order of checks, cheapest first, is:
 *   1. RRSIG algorithm == DNSKEY algorithm, else AN_BOGUS/ALG_MISMATCH
 *      (EDE 9: this key is not one the RRSIG can name; if no other key is,
 *      the DNSKEY is missing);
 *   2. algorithm supported, else AN_UNSUPPORTED (EDE 1);
 *   3. DNSKEY usable: protocol 3, zone bit (EDE 11), REVOKE clear (EDE 6);
 *   4. key shape (analyze/keyshape.h) via the key cache: AN_BOGUS/
 *      KEY_MALFORMED (EDE 6) or AN_UNSUPPORTED/KEY_UNSUPPORTED (EDE 1);
 *   5. signature length for the algorithm, else SIG_MALFORMED (EDE 6);
 *   6. memo lookup; on a miss one EVP_DigestVerify (counted in crypto_ops):
 *      RSA PKCS#1 v1.5 with SHA-1 (5, 7), SHA-256 (8), SHA-512 (10); ECDSA
 *      P-256/SHA-256 (13), P-384/SHA-384 (14) with the r||s signature
 *      converted to DER (RFC 6605 4); Ed25519 (15), Ed448 (16) one-shot
 *      with no digest (RFC 8080). Failure: AN_BOGUS/SIG_BAD, EDE 6,
 *      "signature does not verify under the key with tag T" where T is
 *      res->key_tag (why is static text; the report fills T in).
 *   7. (an_sigcheck_verify only) the validity window at `at`
 *      (analyze/serial.h), EDE 7/8/25, after the crypto so that a
 *      signature that is both forged and expired is reported as forged.
 * Steps 1-5 are pure checks and never reach OpenSSL's verify; only step 6
 * is memoized; the window is never memoized.
 *
 * The context is caller storage (_init/_clear). It owns the key cache and
 * the memo it creates, and the prefetched digests. Not thread-safe. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "analyze/memo.h"
#include "analyze/pkey.h"
#include "analyze/result.h"
#include "decode/rdata.h"

struct an_sigcheck {
	struct an_pkey_cache *keys;
	struct an_memo *memo;          /* NULL: no memo (benchmarks) */
	uint64_t crypto_ops;           /* EVP_DigestVerify calls made */
	uint64_t checks;               /* an_sigcheck_* calls */
	uint64_t memo_hits;
	/* private */
	EVP_MD *md_sha1, *md_sha256, *md_sha384, *md_sha512;
};

/* max_keys / memo_entries: 0 for the defaults (AN_PKEY_CACHE_MAX,
 * AN_MEMO_MAX); use_memo 0 to disable the memo. ST_OK or ST_ENOMEM (then
 * the struct is cleared and may be _clear()ed again). */
int an_sigcheck_init(struct an_sigcheck *sc, size_t max_keys, size_t memo_entries,
		     int use_memo);
void an_sigcheck_clear(struct an_sigcheck *sc);

/* Steps 1-6 above. Reads sig->algorithm, sig->sig/sig_len; key->flags,
 * protocol, algorithm, key/key_len, tag. data/len: the canonical signed
 * data (RRSIG RDATA without signature + canonical RRset). Fills *res (res->at
 * is set to 0) and returns res->reason. Never fails: ENOMEM inside OpenSSL
 * becomes AN_INDETERMINATE/AN_R_INTERNAL. */
enum an_reason an_sigcheck_crypto(struct an_sigcheck *sc, const struct dec_rrsig *sig,
				  const struct dec_dnskey *key, const uint8_t *data,
				  size_t len, struct an_result *res);

/* Steps 1-7: crypto, then the RRSIG window at `at` (packet time). */
enum an_reason an_sigcheck_verify(struct an_sigcheck *sc, const struct dec_rrsig *sig,
				  const struct dec_dnskey *key, const uint8_t *data,
				  size_t len, uint32_t at, struct an_result *res);

/* Converts a DNSSEC ECDSA signature r||s (2*half octets) to DER into
 * der (cap octets). Returns the DER length, or 0 if it does not fit. */
size_t an_ecdsa_sig_to_der(const uint8_t *rs, size_t half, uint8_t *der, size_t cap);
