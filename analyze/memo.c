/* analyze/memo.c -- crypto verdict memo, set-associative with LRU. */
#include "analyze/memo.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/err.h"

struct mslot {
	uint8_t key[AN_MEMO_KEY_LEN];
	uint32_t stamp;        /* 0: empty; else last use */
	uint8_t verdict, reason;
	uint16_t ede, key_tag;
	const char *why;
};

struct an_memo {
	struct mslot *slots;
	size_t nsets;
	uint32_t clock;
	EVP_MD *sha256;
	EVP_MD_CTX *md;
	struct an_memo_stats st;
};

struct an_memo *an_memo_new(size_t max_entries)
{
	if (max_entries == 0)
		max_entries = AN_MEMO_MAX;
	size_t nsets = 1;
	while (nsets * AN_MEMO_WAYS < max_entries)
		nsets <<= 1;
	struct an_memo *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->slots = calloc(nsets * AN_MEMO_WAYS, sizeof(*m->slots));
	m->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	m->md = EVP_MD_CTX_new();
	if (!m->slots || !m->sha256 || !m->md) {
		an_memo_free(m);
		return NULL;
	}
	m->nsets = nsets;
	return m;
}

void an_memo_free(struct an_memo *m)
{
	if (!m)
		return;
	free(m->slots);
	EVP_MD_free(m->sha256);
	EVP_MD_CTX_free(m->md);
	free(m);
}

static int put_len(EVP_MD_CTX *md, size_t n)
{
	uint8_t b[4] = { (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };
	return EVP_DigestUpdate(md, b, 4);
}

int an_memo_key(struct an_memo *m, const uint8_t *data, size_t data_len,
		uint8_t sig_alg, const uint8_t *sig, size_t sig_len,
		uint16_t flags, uint8_t protocol, uint8_t key_alg,
		const uint8_t *key, size_t key_len, uint8_t out[AN_MEMO_KEY_LEN])
{
	uint8_t fixed[5] = { sig_alg, (uint8_t)(flags >> 8), (uint8_t)flags, protocol, key_alg };
	uint8_t h[EVP_MAX_MD_SIZE];
	unsigned hl = 0;
	EVP_MD_CTX *md = m->md;
	/* lengths first, so no two different triples hash the same bytes */
	int ok = EVP_DigestInit_ex(md, m->sha256, NULL) == 1 &&
		 put_len(md, data_len) == 1 && put_len(md, sig_len) == 1 &&
		 put_len(md, key_len) == 1 &&
		 EVP_DigestUpdate(md, fixed, sizeof fixed) == 1 &&
		 EVP_DigestUpdate(md, data, data_len) == 1 &&
		 EVP_DigestUpdate(md, sig, sig_len) == 1 &&
		 EVP_DigestUpdate(md, key, key_len) == 1 &&
		 EVP_DigestFinal_ex(md, h, &hl) == 1;
	if (!ok)
		return ST_ENOMEM;
	memcpy(out, h, AN_MEMO_KEY_LEN);
	return ST_OK;
}

static struct mslot *set_of(struct an_memo *m, const uint8_t key[AN_MEMO_KEY_LEN])
{
	uint64_t h;
	memcpy(&h, key, sizeof h);
	return m->slots + (h & (m->nsets - 1)) * AN_MEMO_WAYS;
}

/* Stamps are 32-bit: when the clock would wrap, age every slot to 1. */
static uint32_t tick(struct an_memo *m)
{
	if (m->clock == UINT32_MAX) {
		for (size_t i = 0; i < m->nsets * AN_MEMO_WAYS; i++)
			if (m->slots[i].stamp)
				m->slots[i].stamp = 1;
		m->clock = 1;
	}
	return ++m->clock;
}

bool an_memo_get(struct an_memo *m, const uint8_t key[AN_MEMO_KEY_LEN], struct an_result *res)
{
	struct mslot *set = set_of(m, key);
	for (int i = 0; i < AN_MEMO_WAYS; i++) {
		struct mslot *s = &set[i];
		if (s->stamp && memcmp(s->key, key, AN_MEMO_KEY_LEN) == 0) {
			s->stamp = tick(m);
			res->verdict = (enum an_verdict)s->verdict;
			res->reason = (enum an_reason)s->reason;
			res->ede = s->ede;
			res->key_tag = s->key_tag;
			res->why = s->why;
			m->st.hits++;
			return true;
		}
	}
	m->st.misses++;
	return false;
}

void an_memo_put(struct an_memo *m, const uint8_t key[AN_MEMO_KEY_LEN], const struct an_result *res)
{
	struct mslot *set = set_of(m, key), *victim = set;
	for (int i = 0; i < AN_MEMO_WAYS; i++) {
		struct mslot *s = &set[i];
		if (s->stamp && memcmp(s->key, key, AN_MEMO_KEY_LEN) == 0) {
			victim = s;
			break;
		}
		if (s->stamp < victim->stamp)
			victim = s;
	}
	if (victim->stamp && memcmp(victim->key, key, AN_MEMO_KEY_LEN) != 0)
		m->st.evictions++;
	memcpy(victim->key, key, AN_MEMO_KEY_LEN);
	victim->stamp = tick(m);
	victim->verdict = (uint8_t)res->verdict;
	victim->reason = (uint8_t)res->reason;
	victim->ede = res->ede;
	victim->key_tag = res->key_tag;
	victim->why = res->why;
	m->st.inserts++;
}

void an_memo_get_stats(const struct an_memo *m, struct an_memo_stats *st)
{
	*st = m->st;
}
