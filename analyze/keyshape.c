/* analyze/keyshape.c -- DNSKEY public key shape checks and key tag. */
#include "analyze/keyshape.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "util/err.h"

static EC_GROUP *group_p256, *group_p384;

void an_keyshape_cleanup(void)
{
	EC_GROUP_free(group_p256);
	EC_GROUP_free(group_p384);
	group_p256 = group_p384 = NULL;
}

int an_alg_supported(uint8_t alg)
{
	switch (alg) {
	case AN_ALG_RSASHA1: case AN_ALG_RSASHA1_NSEC3_SHA1:
	case AN_ALG_RSASHA256: case AN_ALG_RSASHA512:
	case AN_ALG_ECDSAP256SHA256: case AN_ALG_ECDSAP384SHA384:
	case AN_ALG_ED25519: case AN_ALG_ED448:
		return 1;
	default:
		return 0;
	}
}

static int fail(const char **why, const char *text, int rc)
{
	*why = text;
	return rc;
}

/* RFC 3110 2: exponent length in 1 octet, or 0 then 2 octets; then the
 * exponent, then the modulus, both big-endian without leading zeros. */
static int rsa_check(const uint8_t *key, size_t len, const char **why)
{
	if (len < 1)
		return fail(why, "RSA key empty", ST_EMALF);
	size_t elen = key[0], off = 1;
	if (elen == 0) {
		if (len < 3)
			return fail(why, "RSA exponent length truncated", ST_EMALF);
		elen = (size_t)key[1] << 8 | key[2];
		off = 3;
	}
	if (elen == 0)
		return fail(why, "RSA exponent length 0", ST_EMALF);
	if (elen > len - off)
		return fail(why, "RSA exponent longer than the key", ST_EMALF);
	const uint8_t *e = key + off, *n = e + elen;
	size_t nlen = len - off - elen;
	if (e[0] == 0)
		return fail(why, "RSA exponent has a leading zero octet", ST_EMALF);
	if (elen > AN_RSA_MAX_EXP_BYTES)
		return fail(why, "RSA exponent longer than 5 octets", ST_EUNSUPP);
	uint64_t ev = 0;
	for (size_t i = 0; i < elen; i++)
		ev = ev << 8 | e[i];
	if (ev < 3)
		return fail(why, "RSA exponent below 3", ST_EMALF);
	if (!(ev & 1))
		return fail(why, "RSA exponent even", ST_EMALF);
	if (ev > (UINT64_C(1) << 32) + 1)
		return fail(why, "RSA exponent above 2^32+1", ST_EUNSUPP);
	if (nlen == 0)
		return fail(why, "RSA modulus missing", ST_EMALF);
	if (n[0] == 0)
		return fail(why, "RSA modulus has a leading zero octet", ST_EMALF);
	if (!(n[nlen - 1] & 1))
		return fail(why, "RSA modulus even", ST_EMALF);
	if (nlen > AN_RSA_MAX_BITS / 8)
		return fail(why, "RSA modulus above 4096 bits", ST_EUNSUPP);
	size_t bits = (nlen - 1) * 8;
	for (unsigned top = n[0]; top; top >>= 1)
		bits++;
	if (bits < AN_RSA_MIN_BITS)
		return fail(why, "RSA modulus below 512 bits", ST_EUNSUPP);
	return fail(why, "RSA key well formed", ST_OK);
}

static EC_GROUP *group_for(uint8_t alg)
{
	EC_GROUP **g = alg == AN_ALG_ECDSAP256SHA256 ? &group_p256 : &group_p384;
	if (!*g)
		*g = EC_GROUP_new_by_curve_name(alg == AN_ALG_ECDSAP256SHA256 ?
						NID_X9_62_prime256v1 : NID_secp384r1);
	return *g;
}

/* RFC 6605 4: the key is x||y, each the curve's size; prefix 0x04 to make
 * the SEC 1 uncompressed point. */
static int ecdsa_check(uint8_t alg, const uint8_t *key, size_t len, const char **why)
{
	size_t want = alg == AN_ALG_ECDSAP256SHA256 ? 64 : 96;
	if (len != want)
		return fail(why, alg == AN_ALG_ECDSAP256SHA256 ?
			    "ECDSA P-256 key is not 64 octets" :
			    "ECDSA P-384 key is not 96 octets", ST_EMALF);
	EC_GROUP *g = group_for(alg);
	if (!g)
		return fail(why, "EC group unavailable", ST_ENOMEM);
	uint8_t pt[97];
	pt[0] = 0x04;
	memcpy(pt + 1, key, len);
	EC_POINT *p = EC_POINT_new(g);
	if (!p)
		return fail(why, "out of memory", ST_ENOMEM);
	/* oct2point already refuses points off the curve in OpenSSL 3; ask
	 * is_on_curve explicitly anyway (and refuse the point at infinity). */
	int good = EC_POINT_oct2point(g, p, pt, len + 1, NULL) == 1 &&
		   EC_POINT_is_on_curve(g, p, NULL) == 1 &&
		   !EC_POINT_is_at_infinity(g, p);
	EC_POINT_free(p);
	if (!good)
		return fail(why, "ECDSA public key is not a point on the curve", ST_EMALF);
	return fail(why, "ECDSA key well formed", ST_OK);
}

int an_keyshape_check(uint8_t alg, const uint8_t *key, size_t len, const char **why)
{
	switch (alg) {
	case AN_ALG_RSASHA1: case AN_ALG_RSASHA1_NSEC3_SHA1:
	case AN_ALG_RSASHA256: case AN_ALG_RSASHA512:
		return rsa_check(key, len, why);
	case AN_ALG_ECDSAP256SHA256: case AN_ALG_ECDSAP384SHA384:
		return ecdsa_check(alg, key, len, why);
	case AN_ALG_ED25519:
		if (len != 32)
			return fail(why, "Ed25519 key is not 32 octets", ST_EMALF);
		return fail(why, "Ed25519 key well formed", ST_OK);
	case AN_ALG_ED448:
		if (len != 57)
			return fail(why, "Ed448 key is not 57 octets", ST_EMALF);
		return fail(why, "Ed448 key well formed", ST_OK);
	default:
		return fail(why, "unsupported DNSKEY algorithm", ST_EUNSUPP);
	}
}

int an_dnskey_usable(uint16_t flags, uint8_t protocol, const char **why)
{
	if (protocol != 3)
		return fail(why, "DNSKEY protocol is not 3", ST_EMALF);
	if (!(flags & AN_DNSKEY_F_ZONE))
		return fail(why, "DNSKEY zone key bit clear", ST_EMALF);
	if (flags & AN_DNSKEY_F_REVOKE)
		return fail(why, "DNSKEY REVOKE bit set", ST_EMALF);
	return fail(why, "DNSKEY usable", ST_OK);
}

/* RFC 4034 appendix B. */
uint16_t an_keytag(uint16_t flags, uint8_t protocol, uint8_t alg,
		   const uint8_t *key, size_t len)
{
	if (alg == AN_ALG_RSAMD5) {
		/* B.1: the 16 bits before the last octet of the modulus */
		if (len < 3)
			return 0;
		return (uint16_t)(key[len - 3] << 8 | key[len - 2]);
	}
	uint32_t ac = (uint32_t)flags + ((uint32_t)protocol << 8) + alg;
	for (size_t i = 0; i < len; i++)
		ac += (i & 1) ? key[i] : (uint32_t)key[i] << 8;
	ac += ac >> 16 & 0xFFFF;
	return (uint16_t)(ac & 0xFFFF);
}
