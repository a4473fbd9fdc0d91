/* tests/unit/test_analyze_ecrecover.c -- ECDSA key recovery: signatures
 * made here with OpenSSL by fresh P-256 and P-384 keys recover those keys
 * among the candidates, with the right key tags; two signatures by one key
 * share a candidate (the clustering the .de analysis relies on); bad input
 * is refused. */
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "analyze/ecrecover.h"
#include "analyze/keyshape.h"
#include "util/err.h"
#include "tests/tap.h"

/* DNSSEC x||y of an EC key. */
static size_t pub_xy(EVP_PKEY *pk, uint8_t *out)
{
	uint8_t buf[200];
	size_t n = 0;
	EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY, buf, sizeof buf, &n);
	memcpy(out, buf + 1, n - 1);
	return n - 1;
}

/* r||s signature over data. */
static size_t sign_rs(EVP_PKEY *pk, int p384, const uint8_t *data, size_t len, uint8_t *rs)
{
	uint8_t der[200];
	size_t dl = sizeof der;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestSignInit(ctx, NULL, p384 ? EVP_sha384() : EVP_sha256(), NULL, pk);
	EVP_DigestSign(ctx, der, &dl, data, len);
	EVP_MD_CTX_free(ctx);
	const uint8_t *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)dl);
	size_t half = p384 ? 48 : 32;
	BN_bn2binpad(ECDSA_SIG_get0_r(s), rs, (int)half);
	BN_bn2binpad(ECDSA_SIG_get0_s(s), rs + half, (int)half);
	ECDSA_SIG_free(s);
	return 2 * half;
}

static int has(const struct an_ec_candidate *c, int n, const uint8_t *key, size_t len)
{
	for (int i = 0; i < n; i++)
		if (c[i].key_len == len && memcmp(c[i].key, key, len) == 0)
			return i;
	return -1;
}

static void one_curve(int p384)
{
	uint8_t alg = p384 ? 14 : 13;
	const char *curve = p384 ? "P-384" : "P-256";
	for (int round = 0; round < 5; round++) {
		EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
		uint8_t key[96], rs[96], rs2[96];
		size_t kl = pub_xy(pk, key);
		const uint8_t data[] = "signed data of an RRset, round x";
		const uint8_t data2[] = "another RRset signed by the same key";
		size_t sl = sign_rs(pk, p384, data, sizeof data, rs);
		sign_rs(pk, p384, data2, sizeof data2, rs2);
		struct an_ec_candidate c[AN_ECRECOVER_MAX], c2[AN_ECRECOVER_MAX];
		uint64_t ops = 0;
		int n = an_ecrecover(alg, rs, sl, data, sizeof data, c, &ops);
		int n2 = an_ecrecover(alg, rs2, sl, data2, sizeof data2, c2, &ops);
		ok(n >= 2 && n <= AN_ECRECOVER_MAX, "%s #%d: %d candidates", curve, round, n);
		int i = has(c, n, key, kl);
		ok(i >= 0, "%s #%d: signer's key recovered", curve, round);
		if (i >= 0) {
			is_int(c[i].tag_zsk, an_keytag(256, 3, alg, key, kl), "%s #%d: ZSK tag", curve, round);
			is_int(c[i].tag_ksk, an_keytag(257, 3, alg, key, kl), "%s #%d: KSK tag", curve, round);
		}
		int common = 0;
		for (int a = 0; a < n; a++)
			common += has(c2, n2, c[a].key, c[a].key_len) >= 0;
		is_int(common, 1, "%s #%d: two signatures by one key share exactly one candidate",
		       curve, round);
		ok(ops >= 4 && ops <= 8, "%s #%d: point multiplications counted (%llu)", curve, round,
		   (unsigned long long)ops);
		EVP_PKEY_free(pk);
	}
}

int main(void)
{
	one_curve(0);
	one_curve(1);
	struct an_ec_candidate c[AN_ECRECOVER_MAX];
	uint8_t rs[64] = { 0 }, dg[32] = { 1 };
	is_int(an_ecrecover_digest(13, rs, 64, dg, 32, c, NULL), ST_EMALF, "r = s = 0 refused");
	memset(rs, 0xFF, sizeof rs);
	is_int(an_ecrecover_digest(13, rs, 64, dg, 32, c, NULL), ST_EMALF, "r, s >= n refused");
	is_int(an_ecrecover_digest(13, rs, 63, dg, 32, c, NULL), ST_EMALF, "63-octet signature refused");
	is_int(an_ecrecover_digest(8, rs, 64, dg, 32, c, NULL), ST_EUNSUPP, "RSA: unsupported");
	is_int(an_ecrecover(15, rs, 64, dg, 32, c, NULL), ST_EUNSUPP, "Ed25519: unsupported");
	/* r whose x is not on the curve for either parity gives no candidate
	 * from that x; the call still succeeds */
	memset(rs, 0, sizeof rs);
	rs[31] = 5;
	rs[63] = 7;
	int n = an_ecrecover_digest(13, rs, 64, dg, 32, c, NULL);
	ok(n >= 0 && n <= AN_ECRECOVER_MAX, "small r: %d candidates, no error", n);
	return done_testing();
}
