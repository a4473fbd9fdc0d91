/* analyze/ecrecover.h -- ECDSA public key recovery for DNSSEC algorithms
 * 13 (P-256/SHA-256) and 14 (P-384/SHA-384).
 *
 * Given a signature (r, s) and the data it signs, the public keys that
 * could have made it are Q = r^-1 (s R - e G), for each curve point R with
 * x(R) = r or r + n (the latter only when r + n < p) and either y parity:
 * at most AN_ECRECOVER_MAX candidates, each one EC point multiplication.
 * One of them is the signer's key. Failing signatures that recover a
 * common candidate were made by the same (unpublished) key: the .de
 * incident's three keys with tag 33834 can be counted from a capture
 * alone (DESIGN.md "Key-tag collisions").
 *
 * Candidates come back as DNSSEC public key fields (x||y, 64 or 96 octets,
 * RFC 6605 4) with their key tags for flags 256 (ZSK) and 257 (KSK).
 * This is attacker-fed CPU (THREATS F14): each call costs up to 4 point
 * multiplications, added to *ops so the caller's budget sees them; the
 * caller caps and memoizes. No state; allocation is internal to OpenSSL
 * and freed before return. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define AN_ECRECOVER_MAX 4

struct an_ec_candidate {
	uint8_t key[96];      /* x||y */
	size_t key_len;       /* 64 (alg 13) or 96 (alg 14) */
	uint16_t tag_zsk;     /* key tag with flags 256, protocol 3 */
	uint16_t tag_ksk;     /* key tag with flags 257 */
};

/* Recovers from the canonical signed data (hashed here with the
 * algorithm's digest). Returns the number of candidates (0..4), or
 * ST_EUNSUPP (algorithm not 13/14), ST_EMALF (signature length, r or s
 * not in [1, n-1]), ST_ENOMEM. *ops (may be NULL) counts point
 * multiplications. */
int an_ecrecover(uint8_t alg, const uint8_t *sig, size_t sig_len, const uint8_t *data,
		 size_t len, struct an_ec_candidate out[AN_ECRECOVER_MAX], uint64_t *ops);

/* Same from the digest (32 octets for 13, 48 for 14). */
int an_ecrecover_digest(uint8_t alg, const uint8_t *sig, size_t sig_len,
			const uint8_t *digest, size_t dlen,
			struct an_ec_candidate out[AN_ECRECOVER_MAX], uint64_t *ops);
