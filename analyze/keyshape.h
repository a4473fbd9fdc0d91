/* analyze/keyshape.h -- checks of DNSKEY public key material before any
 * crypto library sees it, and the DNSKEY key tag.
 *
 * A hostile capture can carry keys built to make verification slow or to
 * reach corners of a crypto library (THREATS.md F8-F10): RSA moduli of
 * 16 384 bits, exponents of 3 000 bits, ECDSA points off the curve, keys of
 * the wrong length. Every key goes through an_keyshape_check() once, before
 * it becomes an EVP_PKEY (analyze/pkey.c); a refused key costs no
 * verification. Limits follow BIND (opensslrsa_link.c, 2026):
 *   RSA (5, 7, 8, 10; RFC 3110 encoding): exponent length 1..5 octets in
 *     the 1-octet or the 0 + 2-octet length form; exponent odd, in
 *     [3, 2^32 + 1], without leading zero octets; modulus without leading
 *     zero octets, AN_RSA_MIN_BITS..AN_RSA_MAX_BITS bits, odd.
 *   ECDSA P-256 (13): 64 octets x||y; P-384 (14): 96 octets; the point must
 *     lie on the curve (OpenSSL EC_POINT_is_on_curve).
 *   Ed25519 (15): 32 octets; Ed448 (16): 57 octets.
 *   Any other algorithm (1 RSAMD5, 3/6 DSA, 12 GOST, unknown): unsupported.
 * No state except a lazily built pair of EC_GROUPs kept for the process
 * lifetime (an_keyshape_cleanup() frees them, for leak checkers). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define AN_RSA_MIN_BITS 512
#define AN_RSA_MAX_BITS 4096
#define AN_RSA_MAX_EXP_BYTES 5

/* DNSSEC algorithm numbers (IANA). */
enum {
	AN_ALG_RSAMD5 = 1, AN_ALG_DSA = 3, AN_ALG_RSASHA1 = 5,
	AN_ALG_DSA_NSEC3_SHA1 = 6, AN_ALG_RSASHA1_NSEC3_SHA1 = 7,
	AN_ALG_RSASHA256 = 8, AN_ALG_RSASHA512 = 10, AN_ALG_ECC_GOST = 12,
	AN_ALG_ECDSAP256SHA256 = 13, AN_ALG_ECDSAP384SHA384 = 14,
	AN_ALG_ED25519 = 15, AN_ALG_ED448 = 16,
};

/* DNSKEY flags (RFC 4034 2.1.1, RFC 5011 2.1). */
#define AN_DNSKEY_F_ZONE   0x0100
#define AN_DNSKEY_F_REVOKE 0x0080
#define AN_DNSKEY_F_SEP    0x0001

/* Whether alg is one we verify (5, 7, 8, 10, 13, 14, 15, 16). */
int an_alg_supported(uint8_t alg);

/* Public key field `key` (len octets) for algorithm alg. Returns ST_OK;
 * ST_EUNSUPP for an algorithm we do not verify or an RSA key outside the
 * size limits (well formed, refused); ST_EMALF for a key that contradicts
 * its algorithm's format. *why gets a static reason in every case. */
int an_keyshape_check(uint8_t alg, const uint8_t *key, size_t len, const char **why);

/* RFC 4034 2.1 / RFC 5011: whether a DNSKEY may validate signatures at all:
 * protocol 3, zone key bit set, REVOKE bit clear. ST_OK, or ST_EMALF with
 * *why ("protocol is not 3", "zone key bit clear" (EDE 11 class),
 * "REVOKE bit set"). Independent of the algorithm. */
int an_dnskey_usable(uint16_t flags, uint8_t protocol, const char **why);

/* RFC 4034 appendix B key tag over the DNSKEY RDATA made of these fields
 * (algorithm 1 uses its own rule, appendix B.1). */
uint16_t an_keytag(uint16_t flags, uint8_t protocol, uint8_t alg,
		   const uint8_t *key, size_t len);

/* Frees the cached EC groups (optional, at exit). */
void an_keyshape_cleanup(void);
