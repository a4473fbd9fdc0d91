/* tests/unit/test_analyze_memo.c -- verdict memo: keys separate every
 * input, hits return the stored verdict, LRU within a set, caps. */
#include "analyze/memo.h"
#include "util/err.h"
#include "tests/tap.h"

int main(void)
{
	struct an_memo *m = an_memo_new(16);
	const uint8_t d[] = "data", s[] = "sig", k[] = "key";
	uint8_t a[AN_MEMO_KEY_LEN], b[AN_MEMO_KEY_LEN];
	is_int(an_memo_key(m, d, 4, 13, s, 3, 256, 3, 13, k, 3, a), ST_OK, "key");
	an_memo_key(m, d, 4, 13, s, 3, 257, 3, 13, k, 3, b);
	ok(memcmp(a, b, sizeof a) != 0, "flags are part of the key");
	an_memo_key(m, d, 3, 13, s, 4, 256, 3, 13, k, 3, b);
	ok(memcmp(a, b, sizeof a) != 0, "boundaries are part of the key (\"dat\"+\"asig\")");
	an_memo_key(m, d, 4, 14, s, 3, 256, 3, 13, k, 3, b);
	ok(memcmp(a, b, sizeof a) != 0, "signature algorithm is part of the key");
	an_memo_key(m, d, 4, 13, s, 3, 256, 3, 13, k, 3, b);
	ok(memcmp(a, b, sizeof a) == 0, "same inputs, same key");

	struct an_result r = { AN_BOGUS, AN_R_SIG_BAD, 6, 33834, "x", 99 }, g = { 0 };
	ok(!an_memo_get(m, a, &g), "miss before put");
	an_memo_put(m, a, &r);
	g.at = 7;
	ok(an_memo_get(m, a, &g) && g.verdict == AN_BOGUS && g.reason == AN_R_SIG_BAD &&
	   g.ede == 6 && g.key_tag == 33834 && g.why == r.why && g.at == 7,
	   "hit returns the verdict, leaves at alone");
	/* 1000 distinct keys into 16 slots */
	for (int i = 0; i < 1000; i++) {
		uint8_t x[AN_MEMO_KEY_LEN];
		uint8_t di[4] = { (uint8_t)i, (uint8_t)(i >> 8), 1, 2 };
		an_memo_key(m, di, 4, 8, s, 3, 256, 3, 8, k, 3, x);
		an_memo_put(m, x, &r);
	}
	struct an_memo_stats st;
	an_memo_get_stats(m, &st);
	ok(st.inserts == 1001 && st.evictions >= 1001 - 16 && st.hits == 1 && st.misses == 1,
	   "stats: %llu inserts %llu evictions", (unsigned long long)st.inserts,
	   (unsigned long long)st.evictions);
	/* LRU: in a 4-way memo of one set, the touched entry survives */
	struct an_memo *one = an_memo_new(4);
	uint8_t key[6][AN_MEMO_KEY_LEN];
	for (int i = 0; i < 6; i++) {
		uint8_t di[1] = { (uint8_t)i };
		an_memo_key(one, di, 1, 8, s, 3, 256, 3, 8, k, 3, key[i]);
	}
	for (int i = 0; i < 4; i++)
		an_memo_put(one, key[i], &r);
	an_memo_get(one, key[0], &g);
	an_memo_put(one, key[4], &r);
	ok(an_memo_get(one, key[0], &g), "recently used entry kept");
	ok(!an_memo_get(one, key[1], &g), "least recently used entry evicted");
	an_memo_free(one);
	an_memo_free(m);
	an_memo_free(NULL);
	return done_testing();
}
