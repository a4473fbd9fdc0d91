/* bench/verify_rate.c -- verifications per second through analyze/sigcheck
 * (cached EVP_PKEY, memo off) for algorithms 8 (RSA-2048), 13 (P-256) and
 * 15 (Ed25519), next to a rebuild-the-key-every-time loop (what
 * ldns_verify_rrsig_keylist_time does). Compare with
 *   openssl speed -seconds 3 rsa2048 ecdsap256 ed25519
 * which bench/verify_rate.sh runs in the same session. Rates are per second
 * of process CPU time, the divisor openssl speed uses without -elapsed, so
 * a loaded machine does not skew the comparison.
 *
 * Build (not part of `make`):
 *   gcc -std=c11 -O2 -I. -D_DEFAULT_SOURCE bench/verify_rate.c analyze/{result,serial,keyshape,pkey,memo,sigcheck}.c \
 *       util/err.c $(pkg-config --cflags --libs libcrypto) -o build/verify_rate */
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/keyshape.h"
#include "analyze/sigcheck.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time, as openssl speed divides by */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct kp {
	uint8_t alg;
	EVP_PKEY *pk;
	uint8_t pub[600];
	size_t pub_len;
	uint8_t sig[600];
	size_t sig_len;
};

static void make(struct kp *k, uint8_t alg, const uint8_t *data, size_t len)
{
	k->alg = alg;
	const EVP_MD *md = NULL;
	if (alg == 8) {
		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		BIGNUM *n = NULL, *e = NULL;
		EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_RSA_N, &n);
		EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_RSA_E, &e);
		int el = BN_num_bytes(e);
		k->pub[0] = (uint8_t)el;
		BN_bn2bin(e, k->pub + 1);
		BN_bn2bin(n, k->pub + 1 + el);
		k->pub_len = 1 + (size_t)el + (size_t)BN_num_bytes(n);
		BN_free(n);
		BN_free(e);
		md = EVP_sha256();
	} else if (alg == 13) {
		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		uint8_t b[100];
		size_t n = 0;
		EVP_PKEY_get_octet_string_param(k->pk, OSSL_PKEY_PARAM_PUB_KEY, b, sizeof b, &n);
		memcpy(k->pub, b + 1, n - 1);
		k->pub_len = n - 1;
		md = EVP_sha256();
	} else {
		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		k->pub_len = sizeof k->pub;
		EVP_PKEY_get_raw_public_key(k->pk, k->pub, &k->pub_len);
	}
	uint8_t der[600];
	size_t dl = sizeof der;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestSignInit(ctx, NULL, md, NULL, k->pk);
	EVP_DigestSign(ctx, der, &dl, data, len);
	EVP_MD_CTX_free(ctx);
	if (alg == 13) {
		const uint8_t *p = der;
		ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)dl);
		BN_bn2binpad(ECDSA_SIG_get0_r(s), k->sig, 32);
		BN_bn2binpad(ECDSA_SIG_get0_s(s), k->sig + 32, 32);
		ECDSA_SIG_free(s);
		k->sig_len = 64;
	} else {
		memcpy(k->sig, der, dl);
		k->sig_len = dl;
	}
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3.0;
	uint8_t data[200];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 7);
	const uint8_t algs[] = { 8, 13, 15 };
	const char *names[] = { "RSASHA256 2048", "ECDSAP256SHA256", "ED25519" };
	printf("%-16s %14s %14s %8s %14s\n", "algorithm", "cached/s", "rebuild/s", "ratio", "memo hit/s");
	for (int a = 0; a < 3; a++) {
		struct kp k;
		make(&k, algs[a], data, sizeof data);
		struct an_sigcheck sc;
		an_sigcheck_init(&sc, 0, 0, 0); /* memo off: every call verifies */
		struct dec_dnskey key = { 256, 3, algs[a], k.pub, k.pub_len, 0 };
		key.tag = an_keytag(256, 3, algs[a], k.pub, k.pub_len);
		struct dec_rrsig sig;
		memset(&sig, 0, sizeof sig);
		sig.algorithm = algs[a];
		sig.sig = k.sig;
		sig.sig_len = k.sig_len;
		struct an_result r;
		long n = 0;
		double t0 = now(), t;
		do {
			for (int i = 0; i < 64; i++, n++)
				an_sigcheck_crypto(&sc, &sig, &key, data, sizeof data, &r);
		} while ((t = now()) - t0 < secs);
		if (r.verdict != AN_VALID)
			fprintf(stderr, "%s: not valid: %s\n", names[a], r.why);
		double cached = (double)n / (t - t0);
		/* rebuild the EVP_PKEY for every verification */
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		uint8_t der[600];
		const uint8_t *sg = k.sig;
		size_t sl = k.sig_len;
		if (algs[a] == 13) {
			sl = an_ecdsa_sig_to_der(k.sig, 32, der, sizeof der);
			sg = der;
		}
		long m = 0;
		const char *why;
		t0 = now();
		do {
			for (int i = 0; i < 64; i++, m++) {
				EVP_PKEY *pk = NULL;
				an_pkey_build(algs[a], k.pub, k.pub_len, &pk, &why);
				EVP_DigestVerifyInit(ctx, NULL, algs[a] == 15 ? NULL : EVP_sha256(), NULL, pk);
				if (EVP_DigestVerify(ctx, sg, sl, data, sizeof data) != 1)
					fprintf(stderr, "rebuild verify failed\n");
				EVP_MD_CTX_reset(ctx);
				EVP_PKEY_free(pk);
			}
		} while ((t = now()) - t0 < secs);
		double rebuild = (double)m / (t - t0);
		/* a re-sent signature: the verdict comes from the memo (the key
		 * of the memo is still hashed over the signed data each time) */
		struct an_sigcheck memo;
		an_sigcheck_init(&memo, 0, 0, 1);
		long h = 0;
		t0 = now();
		do {
			for (int i = 0; i < 256; i++, h++)
				an_sigcheck_verify(&memo, &sig, &key, data, sizeof data, 0, &r);
		} while ((t = now()) - t0 < secs);
		double hits = (double)h / (t - t0);
		if (memo.memo_hits + 1 < (uint64_t)h)
			fprintf(stderr, "memo: only %llu hits of %ld\n", (unsigned long long)memo.memo_hits, h);
		an_sigcheck_clear(&memo);
		printf("%-16s %14.0f %14.0f %8.2f %14.0f\n", names[a], cached, rebuild, cached / rebuild, hits);
		EVP_MD_CTX_free(ctx);
		an_sigcheck_clear(&sc);
		EVP_PKEY_free(k.pk);
	}
	an_keyshape_cleanup();
	return 0;
}
