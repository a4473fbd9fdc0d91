/* tests/unit/test_analyze_keyshape.c -- DNSKEY key shapes per THREATS.md
 * F8 (RSA), F9 (ECDSA/EdDSA lengths, point off the curve), F10 (protocol,
 * zone bit, REVOKE, unknown algorithm). RDATA built by hand. */
#include <stdlib.h>

#include "analyze/keyshape.h"
#include "util/err.h"
#include "tests/tap.h"
#include "tests/unit/analyze_testutil.h"

/* RFC 5702 6.1 key (512-bit modulus, e = 65537) */
static const char *rfc5702_key =
	"AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk=";
/* RFC 6605 6.1 P-256 key */
static const char *rfc6605_p256 =
	"GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==";
static const char *rfc6605_p384 =
	"xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40";

/* RFC 3110 RSA key: exponent e (elen octets, given) and an odd modulus of
 * nbits bits with top bit set. long_form: 0 + 2-octet exponent length. */
static size_t rsa_key(uint8_t *out, const uint8_t *e, size_t elen, size_t nbits, int long_form)
{
	size_t n = 0;
	if (long_form) {
		out[n++] = 0;
		out[n++] = (uint8_t)(elen >> 8);
		out[n++] = (uint8_t)elen;
	} else {
		out[n++] = (uint8_t)elen;
	}
	memcpy(out + n, e, elen);
	n += elen;
	size_t nbytes = (nbits + 7) / 8;
	memset(out + n, 0xA5, nbytes);
	out[n] = (uint8_t)(1u << ((nbits - 1) % 8)) | (nbits % 8 == 1 ? 0 : 1);
	if (nbits % 8 == 0)
		out[n] = 0x80 | 0x25;
	out[n + nbytes - 1] |= 1;
	return n + nbytes;
}

static void check(uint8_t alg, const uint8_t *k, size_t len, int want, const char *name)
{
	const char *why = NULL;
	int rc = an_keyshape_check(alg, k, len, &why);
	is_int(rc, want, "%s (%s)", name, why ? why : "?");
}

int main(void)
{
	static uint8_t k[70000];
	const uint8_t e3[] = { 3 }, e65537[] = { 1, 0, 1 }, e1[] = { 1 }, e4[] = { 4 };
	const uint8_t e2p32p1[] = { 1, 0, 0, 0, 1 }, e2p32p3[] = { 1, 0, 0, 0, 3 };
	const uint8_t e6[] = { 1, 0, 0, 0, 0, 1 }, elz[] = { 0, 1, 0, 1 };
	size_t n;

	int len = tu_b64(rfc5702_key, k, sizeof k);
	check(8, k, (size_t)len, ST_OK, "RFC 5702 RSA key");
	check(10, k, (size_t)len, ST_OK, "same key as RSASHA512");
	check(1, k, (size_t)len, ST_EUNSUPP, "RSAMD5 unsupported");
	check(3, k, (size_t)len, ST_EUNSUPP, "DSA unsupported");
	check(12, k, (size_t)len, ST_EUNSUPP, "GOST unsupported");
	check(200, k, (size_t)len, ST_EUNSUPP, "unknown algorithm 200");

	n = rsa_key(k, e65537, 3, 2048, 0);
	check(8, k, n, ST_OK, "RSA 2048, e=65537");
	n = rsa_key(k, e3, 1, 512, 0);
	check(8, k, n, ST_OK, "RSA 512 (minimum), e=3");
	n = rsa_key(k, e3, 1, 511, 0);
	check(8, k, n, ST_EUNSUPP, "RSA 511 bits");
	n = rsa_key(k, e3, 1, 4096, 0);
	check(8, k, n, ST_OK, "RSA 4096 (maximum)");
	n = rsa_key(k, e3, 1, 4097, 0);
	check(8, k, n, ST_EUNSUPP, "RSA 4097 bits");
	n = rsa_key(k, e65537, 3, 16384, 0);
	check(8, k, n, ST_EUNSUPP, "F8: RSA 16384 bits");
	n = rsa_key(k, e65537, 3, 2048, 1);
	check(8, k, n, ST_OK, "RSA exponent in 0 + 2-octet length form");
	n = rsa_key(k, e2p32p1, 5, 2048, 0);
	check(8, k, n, ST_OK, "e = 2^32+1 (5 octets)");
	n = rsa_key(k, e2p32p3, 5, 2048, 0);
	check(8, k, n, ST_EUNSUPP, "e = 2^32+3");
	n = rsa_key(k, e6, 6, 2048, 0);
	check(8, k, n, ST_EUNSUPP, "6-octet exponent");
	memset(k, 0, sizeof k);
	k[0] = 0; k[1] = 0x01; k[2] = 0x77; /* 375 octets = 3000 bits */
	memset(k + 3, 0xFF, 375);
	memset(k + 3 + 375, 0xC3, 384);
	check(8, k, 3 + 375 + 384, ST_EUNSUPP, "F8: 3072-bit modulus, 3000-bit exponent");
	n = rsa_key(k, e4, 1, 2048, 0);
	check(8, k, n, ST_EMALF, "F8: even exponent");
	n = rsa_key(k, e1, 1, 2048, 0);
	check(8, k, n, ST_EMALF, "F8: exponent 1");
	n = rsa_key(k, elz, 4, 2048, 0);
	check(8, k, n, ST_EMALF, "F8: exponent with leading zero octet");
	n = rsa_key(k, e65537, 3, 2048, 0);
	k[4] = 0; /* modulus leading zero */
	check(8, k, n, ST_EMALF, "F8: modulus with leading zero octet");
	n = rsa_key(k, e65537, 3, 2048, 0);
	k[n - 1] &= 0xFE;
	check(8, k, n, ST_EMALF, "RSA modulus even");
	k[0] = 0; k[1] = 0x01; k[2] = 0x00; /* 256-octet exponent length */
	memset(k + 3, 0x01, 100);
	check(8, k, 103, ST_EMALF, "F8: 0 + 2-octet exponent length past the key");
	k[0] = 0; k[1] = 0;
	check(8, k, 2, ST_EMALF, "0-form length truncated");
	k[0] = 0; k[1] = 0; k[2] = 0;
	check(8, k, 3, ST_EMALF, "0-form length of 0");
	k[0] = 3; k[1] = 1; k[2] = 0; k[3] = 1;
	check(8, k, 4, ST_EMALF, "no modulus");
	check(8, k, 0, ST_EMALF, "empty RSA key");

	len = tu_b64(rfc6605_p256, k, sizeof k);
	check(13, k, (size_t)len, ST_OK, "RFC 6605 P-256 key");
	check(14, k, (size_t)len, ST_EMALF, "P-256 key under algorithm 14");
	check(13, k, (size_t)len - 1, ST_EMALF, "F9: P-256 key 63 octets");
	k[63] ^= 1;
	check(13, k, (size_t)len, ST_EMALF, "F9: P-256 point off the curve");
	memset(k, 0, 64);
	check(13, k, 64, ST_EMALF, "F9: P-256 all zero");
	len = tu_b64(rfc6605_p384, k, sizeof k);
	check(14, k, (size_t)len, ST_OK, "RFC 6605 P-384 key");
	k[95] ^= 1;
	check(14, k, (size_t)len, ST_EMALF, "F9: P-384 point off the curve");
	check(15, k, 32, ST_OK, "Ed25519 32 octets");
	check(15, k, 31, ST_EMALF, "F9: Ed25519 31 octets");
	check(15, k, 33, ST_EMALF, "F9: Ed25519 33 octets");
	check(16, k, 57, ST_OK, "Ed448 57 octets");
	check(16, k, 56, ST_EMALF, "F9: Ed448 56 octets");

	const char *why;
	is_int(an_dnskey_usable(256, 3, &why), ST_OK, "ZSK usable");
	is_int(an_dnskey_usable(257, 3, &why), ST_OK, "KSK usable");
	is_int(an_dnskey_usable(256, 2, &why), ST_EMALF, "F10: protocol 2");
	is_int(an_dnskey_usable(0, 3, &why), ST_EMALF, "F10: zone key bit clear");
	is_str(why, "DNSKEY zone key bit clear", "zone bit reason");
	is_int(an_dnskey_usable(257 | AN_DNSKEY_F_REVOKE, 3, &why), ST_EMALF, "F10: REVOKE");
	ok(an_alg_supported(13) && !an_alg_supported(12) && !an_alg_supported(1),
	   "supported algorithm list");

	/* RFC 4034 5.4: dskey.example.com key id 60485 (algorithm 5) */
	len = tu_b64("AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZ"
		     "DRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9Xzc"
		     "nOf+EPbtG9DMBmADjFDc2w/rljwvFw==", k, sizeof k);
	is_int(an_keytag(256, 3, 5, k, (size_t)len), 60485, "RFC 4034 5.4 key tag 60485");
	len = tu_b64(rfc5702_key, k, sizeof k);
	is_int(an_keytag(256, 3, 8, k, (size_t)len), 9033, "RFC 5702 key tag 9033");
	/* Appendix B.1: algorithm 1 */
	const uint8_t md5[] = { 1, 3, 0xAB, 0xCD, 0x12, 0x34, 0x56 };
	is_int(an_keytag(256, 3, 1, md5, sizeof md5), 0x1234, "RSAMD5 tag rule");
	an_keyshape_cleanup();
	return done_testing();
}
