/* tests/unit/test_analyze_pkey.c -- the EVP_PKEY cache: one build per
 * distinct key, refused keys cached with their reason, LRU eviction at the
 * cap with the evicted EVP_PKEY freed (ASan checks), and the built keys
 * match the DNSKEY material. */
#include <openssl/core_names.h>

#include "analyze/keyshape.h"
#include "analyze/pkey.h"
#include "util/err.h"
#include "tests/tap.h"
#include "tests/unit/analyze_testutil.h"

int main(void)
{
	struct an_pkey_cache *c = an_pkey_cache_new(8);
	uint8_t k[100];
	const char *why;
	const struct an_pkey *ck = NULL;
	EVP_PKEY *pk = NULL;
	int n = tu_b64("GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==",
		       k, sizeof k);
	is_int(an_pkey_get(c, 13, k, (size_t)n, &ck, &why), ST_OK, "P-256 key built");
	pk = ck->pkey;
	ok(ck->pctx && !ck->mctx, "ECDSA: verify context prepared");
	ok(pk && EVP_PKEY_get_bits(pk) == 256, "256-bit EC key");
	uint8_t pub[100];
	size_t pl = 0;
	EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &pl);
	ok(pl == 65 && pub[0] == 4 && memcmp(pub + 1, k, 64) == 0, "public point is the DNSKEY's");
	const struct an_pkey *again = NULL;
	an_pkey_get(c, 13, k, (size_t)n, &again, &why);
	ok(again == ck && again->pkey == pk, "second lookup returns the cached key");
	n = tu_b64("AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk=",
		   k, sizeof k);
	is_int(an_pkey_get(c, 8, k, (size_t)n, &ck, &why), ST_OK, "RSA key built");
	ok(ck && EVP_PKEY_get_bits(ck->pkey) == 512, "512-bit RSA");
	is_int(an_pkey_get(c, 10, k, (size_t)n, &ck, &why), ST_OK, "same RSA key, alg 10: new entry");
	uint8_t bad[64] = { 0 };
	is_int(an_pkey_get(c, 13, bad, 64, &ck, &why), ST_EMALF, "all-zero P-256 refused");
	is_int(an_pkey_get(c, 13, bad, 64, &ck, &why), ST_EMALF, "refusal cached");
	is_str(why, "ECDSA public key is not a point on the curve", "reason kept");
	ok(ck == NULL, "no key for a refused entry");
	struct an_pkey_stats st;
	an_pkey_cache_stats(c, &st);
	ok(st.lookups == 6 && st.hits == 2 && st.builds == 3 && st.refused == 1 && st.held == 4,
	   "stats: %llu lookups %llu hits %llu builds %llu refused %zu held",
	   (unsigned long long)st.lookups, (unsigned long long)st.hits,
	   (unsigned long long)st.builds, (unsigned long long)st.refused, st.held);
	/* fill far past the cap with distinct Ed25519 keys: evictions */
	uint8_t ed[32];
	for (int i = 0; i < 100; i++) {
		memset(ed, 0, sizeof ed);
		ed[0] = (uint8_t)i;
		ed[1] = 9;
		an_pkey_get(c, 15, ed, 32, &ck, &why);
		if (i == 0)
			ok(ck && ck->mctx && !ck->pctx, "EdDSA: digest-verify context prepared");
	}
	an_pkey_cache_stats(c, &st);
	ok(st.held <= 8 && st.evictions >= 96, "capped at 8: %zu held, %llu evicted", st.held,
	   (unsigned long long)st.evictions);
	an_pkey_cache_free(c);
	an_pkey_cache_free(NULL);
	c = an_pkey_cache_new(0);
	ok(c != NULL, "default capacity %d", AN_PKEY_CACHE_MAX);
	an_pkey_cache_free(c);
	an_keyshape_cleanup();
	return done_testing();
}
