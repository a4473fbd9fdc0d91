/* tests/unit/test_analyze_sigcheck.c -- one RRSIG under one DNSKEY: every
 * algorithm with keys made here, every refusal path, the memo (THREATS F2,
 * F4, G9: repeats cost no verification) and the crypto-op counter. */
#include <ldns/ldns.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "analyze/keyshape.h"
#include "analyze/sigcheck.h"
#include "util/err.h"
#include "tests/tap.h"

struct kp {
	uint8_t alg;
	EVP_PKEY *pk;
	uint8_t pub[1100];
	size_t pub_len;
};

static void make_key(struct kp *k, uint8_t alg)
{
	k->alg = alg;
	switch (alg) {
	case 13: k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"); break;
	case 14: k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384"); break;
	case 15: k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"); break;
	case 16: k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED448"); break;
	default: k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024); break;
	}
	if (alg == 13 || alg == 14) {
		uint8_t b[200];
		size_t n = 0;
		EVP_PKEY_get_octet_string_param(k->pk, OSSL_PKEY_PARAM_PUB_KEY, b, sizeof b, &n);
		memcpy(k->pub, b + 1, n - 1);
		k->pub_len = n - 1;
	} else if (alg == 15 || alg == 16) {
		k->pub_len = sizeof k->pub;
		EVP_PKEY_get_raw_public_key(k->pk, k->pub, &k->pub_len);
	} else {
		BIGNUM *n = NULL, *e = NULL;
		EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_RSA_N, &n);
		EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_RSA_E, &e);
		int el = BN_num_bytes(e), nl = BN_num_bytes(n);
		k->pub[0] = (uint8_t)el;
		BN_bn2bin(e, k->pub + 1);
		BN_bn2bin(n, k->pub + 1 + el);
		k->pub_len = 1 + (size_t)el + (size_t)nl;
		BN_free(n);
		BN_free(e);
	}
}

static const EVP_MD *md_of(uint8_t alg)
{
	switch (alg) {
	case 5: case 7: return EVP_sha1();
	case 8: case 13: return EVP_sha256();
	case 10: return EVP_sha512();
	case 14: return EVP_sha384();
	default: return NULL;
	}
}

/* DNSSEC-format signature of data by k. */
static size_t sign(struct kp *k, const uint8_t *data, size_t len, uint8_t *out)
{
	uint8_t der[1100];
	size_t dl = sizeof der;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestSignInit(ctx, NULL, md_of(k->alg), NULL, k->pk);
	EVP_DigestSign(ctx, der, &dl, data, len);
	EVP_MD_CTX_free(ctx);
	if (k->alg != 13 && k->alg != 14) {
		memcpy(out, der, dl);
		return dl;
	}
	const uint8_t *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)dl);
	int half = k->alg == 13 ? 32 : 48;
	BN_bn2binpad(ECDSA_SIG_get0_r(s), out, half);
	BN_bn2binpad(ECDSA_SIG_get0_s(s), out + half, half);
	ECDSA_SIG_free(s);
	return (size_t)(2 * half);
}

static void fill(struct kp *k, uint16_t flags, struct dec_dnskey *key, struct dec_rrsig *sig,
		 const uint8_t *s, size_t sl)
{
	memset(key, 0, sizeof(*key));
	memset(sig, 0, sizeof(*sig));
	key->flags = flags;
	key->protocol = 3;
	key->algorithm = k->alg;
	key->key = k->pub;
	key->key_len = k->pub_len;
	key->tag = an_keytag(flags, 3, k->alg, k->pub, k->pub_len);
	sig->algorithm = k->alg;
	sig->key_tag = key->tag;
	sig->inception = 1000;
	sig->expiration = 2000;
	sig->sig = s;
	sig->sig_len = sl;
}

static void per_alg(struct an_sigcheck *sc, uint8_t alg)
{
	struct kp k;
	make_key(&k, alg);
	const uint8_t data[] = "canonical signed data stand-in";
	uint8_t s[1100];
	size_t sl = sign(&k, data, sizeof data, s);
	struct dec_dnskey key;
	struct dec_rrsig sig;
	fill(&k, 256, &key, &sig, s, sl);
	struct an_result r;
	uint64_t ops = sc->crypto_ops;
	an_sigcheck_verify(sc, &sig, &key, data, sizeof data, 1500, &r);
	ok(r.verdict == AN_VALID && r.ede == AN_EDE_NONE && r.at == 1500,
	   "alg %u: valid (%s)", alg, r.why);
	is_int((long long)(sc->crypto_ops - ops), 1, "alg %u: one crypto op", alg);
	an_sigcheck_verify(sc, &sig, &key, data, sizeof data, 1500, &r);
	is_int((long long)(sc->crypto_ops - ops), 1, "alg %u: repeat answered by the memo", alg);
	an_sigcheck_verify(sc, &sig, &key, data, sizeof data, 2001, &r);
	ok(r.reason == AN_R_EXPIRED && r.ede == 7, "alg %u: memo hit, window still checked: expired", alg);
	uint8_t bad[1100];
	memcpy(bad, s, sl);
	bad[sl / 2] ^= 0x40;
	sig.sig = bad;
	an_sigcheck_crypto(sc, &sig, &key, data, sizeof data, &r);
	ok(r.verdict == AN_BOGUS && r.reason == AN_R_SIG_BAD && r.ede == 6 && r.key_tag == key.tag,
	   "alg %u: altered signature: EDE 6 under tag %u (%s)", alg, r.key_tag, r.why);
	sig.sig = s;
	sig.sig_len = sl - 1;
	ops = sc->crypto_ops;
	an_sigcheck_crypto(sc, &sig, &key, data, sizeof data, &r);
	ok(r.reason == AN_R_SIG_MALFORMED && sc->crypto_ops == ops,
	   "alg %u: short signature refused without crypto", alg);
	EVP_PKEY_free(k.pk);
}

static void refusals(struct an_sigcheck *sc)
{
	struct kp k;
	make_key(&k, 13);
	const uint8_t data[] = "x";
	uint8_t s[100];
	size_t sl = sign(&k, data, sizeof data, s);
	struct dec_dnskey key;
	struct dec_rrsig sig;
	struct an_result r;
	uint64_t ops = sc->crypto_ops;

	fill(&k, 256, &key, &sig, s, sl);
	sig.algorithm = 8;
	an_sigcheck_crypto(sc, &sig, &key, data, sizeof data, &r);
	ok(r.reason == AN_R_ALG_MISMATCH && r.verdict == AN_BOGUS && r.ede == 9, "algorithm mismatch");
	fill(&k, 256, &key, &sig, s, sl);
	key.algorithm = sig.algorithm = 12;
	an_sigcheck_crypto(sc, &sig, &key, data, sizeof data, &r);
	ok(r.reason == AN_R_ALG_UNSUPPORTED && r.verdict == AN_UNSUPPORTED && r.ede == 1,
	   "GOST: unsupported, EDE 1");
	key.algorithm = sig.algorithm = 253;
	an_sigcheck_crypto(sc, &sig, &key, data, sizeof data, &r);
	ok(r.reason == AN_R_ALG_UNSUPPORTED && r.ede == 1, "PRIVATEDNS 253: unsupported");
	fill(&k, 0, &key, &sig, s, sl);
	an_sigcheck_crypto(sc, &sig, &key, data, sizeof data, &r);
	ok(r.reason == AN_R_KEY_UNUSABLE && r.ede == 11, "zone key bit clear: EDE 11 (%s)", r.why);
	fill(&k, 256 | 0x80, &key, &sig, s, sl);
	an_sigcheck_crypto(sc, &sig, &key, data, sizeof data, &r);
	ok(r.reason == AN_R_KEY_UNUSABLE && r.ede == 6, "REVOKE set: unusable (%s)", r.why);
	fill(&k, 256, &key, &sig, s, sl);
	key.protocol = 2;
	an_sigcheck_crypto(sc, &sig, &key, data, sizeof data, &r);
	ok(r.reason == AN_R_KEY_UNUSABLE, "protocol 2: unusable (%s)", r.why);
	uint8_t off[64];
	memcpy(off, k.pub, 64);
	off[63] ^= 1;
	fill(&k, 256, &key, &sig, s, sl);
	key.key = off;
	an_sigcheck_crypto(sc, &sig, &key, data, sizeof data, &r);
	ok(r.reason == AN_R_KEY_MALFORMED && r.verdict == AN_BOGUS && r.ede == 6,
	   "F9: point off the curve: malformed key (%s)", r.why);
	uint8_t big[4 + 2048];
	big[0] = 3; big[1] = 1; big[2] = 0; big[3] = 1;
	memset(big + 4, 0xC5, 2048);
	fill(&k, 256, &key, &sig, s, sl);
	key.algorithm = sig.algorithm = 8;
	key.key = big;
	key.key_len = 4 + 2048;
	sig.sig_len = 2048;
	an_sigcheck_crypto(sc, &sig, &key, data, sizeof data, &r);
	ok(r.reason == AN_R_KEY_UNSUPPORTED && r.verdict == AN_UNSUPPORTED,
	   "F8: 16384-bit RSA refused (%s)", r.why);
	is_int((long long)(sc->crypto_ops - ops), 0, "no crypto op for any refusal");
	EVP_PKEY_free(k.pk);
}

/* F2/F4/G9: one key, 300 RRSIGs with altered bytes, each sent 30 times:
 * 300 verifications, the rest from the memo. */
static void sigjam(void)
{
	struct an_sigcheck sc;
	an_sigcheck_init(&sc, 0, 0, 1);
	struct kp k;
	make_key(&k, 15);
	const uint8_t data[] = "jam";
	uint8_t s[64];
	size_t sl = sign(&k, data, sizeof data, s);
	struct dec_dnskey key;
	struct dec_rrsig sig;
	fill(&k, 257, &key, &sig, s, sl);
	struct an_result r;
	int bogus = 0;
	for (int rep = 0; rep < 30; rep++)
		for (int i = 0; i < 300; i++) {
			uint8_t b[64];
			memcpy(b, s, sl);
			b[i % 64] ^= (uint8_t)(1 + i / 64);
			sig.sig = b;
			an_sigcheck_crypto(&sc, &sig, &key, data, sizeof data, &r);
			bogus += r.verdict == AN_BOGUS;
		}
	is_int(bogus, 9000, "F2: 9000 jammed signatures all bogus");
	is_int((long long)sc.crypto_ops, 300, "F4: 300 verifications for 9000 checks");
	is_int((long long)sc.memo_hits, 8700, "F4: 8700 memo hits");
	struct an_pkey_stats ps;
	an_pkey_cache_stats(sc.keys, &ps);
	is_int((long long)ps.builds, 1, "the key was built once");
	an_sigcheck_clear(&sc);
	EVP_PKEY_free(k.pk);

	an_sigcheck_init(&sc, 0, 0, 0);
	make_key(&k, 15);
	sl = sign(&k, data, sizeof data, s);
	fill(&k, 257, &key, &sig, s, sl);
	for (int i = 0; i < 10; i++)
		an_sigcheck_crypto(&sc, &sig, &key, data, sizeof data, &r);
	ok(sc.crypto_ops == 10 && r.verdict == AN_VALID, "memo off: every check verifies");
	an_sigcheck_clear(&sc);
	EVP_PKEY_free(k.pk);
}

int main(void)
{
	is_int(AN_EDE_UNSUPPORTED_DNSKEY_ALG, LDNS_EDE_UNSUPPORTED_DNSKEY_ALG, "EDE 1 as ldns");
	is_int(AN_EDE_DNSSEC_BOGUS, LDNS_EDE_DNSSEC_BOGUS, "EDE 6 as ldns");
	is_int(AN_EDE_SIGNATURE_EXPIRED, LDNS_EDE_SIGNATURE_EXPIRED, "EDE 7 as ldns");
	is_int(AN_EDE_SIGNATURE_NOT_YET_VALID, LDNS_EDE_SIGNATURE_NOT_YET_VALID, "EDE 8 as ldns");
	is_int(AN_EDE_DNSKEY_MISSING, LDNS_EDE_DNSKEY_MISSING, "EDE 9 as ldns");
	is_int(AN_EDE_NO_ZONE_KEY_BIT_SET, LDNS_EDE_NO_ZONE_KEY_BIT_SET, "EDE 11 as ldns");
	is_int(AN_EDE_SIGNATURE_EXPIRED_BEFORE_VALID, LDNS_EDE_SIGNATURE_EXPIRED_BEFORE_VALID,
	       "EDE 25 as ldns");
	struct an_sigcheck sc;
	if (an_sigcheck_init(&sc, 0, 0, 1) != ST_OK)
		return 1;
	const uint8_t algs[] = { 5, 7, 8, 10, 13, 14, 15, 16 };
	for (size_t i = 0; i < sizeof algs; i++)
		per_alg(&sc, algs[i]);
	refusals(&sc);
	an_sigcheck_clear(&sc);
	sigjam();
	/* DER conversion: high bit set gets a 0 pad, leading zeros stripped */
	uint8_t rs[64] = { 0 }, der[140];
	rs[0] = 0x80;
	rs[63] = 1;
	size_t n = an_ecdsa_sig_to_der(rs, 32, der, sizeof der);
	ok(n == 2 + 35 + 3 && der[0] == 0x30 && der[2] == 2 && der[3] == 33 && der[4] == 0 &&
	   der[37] == 2 && der[38] == 1 && der[39] == 1, "r||s to DER");
	is_int((long long)an_ecdsa_sig_to_der(rs, 32, der, 10), 0, "DER: too small a buffer");
	an_keyshape_cleanup();
	return done_testing();
}
