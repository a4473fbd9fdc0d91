/* analyze/txn.c -- bounded query table (see txn.h).
 *
 * Our own table rather than a generic one because it sits on the per-
 * message path: entries are a ring in arrival (= capture time) order, so
 * expiry pops from the head; a chained hash over ring indices finds the
 * query for a response. Matched entries are unlinked and left dead in the
 * ring until the head passes them. */
#include <stdlib.h>
#include <string.h>
#include "analyze/txn.h"

struct txn_key {
	uint8_t family, transport;
	uint16_t id, qtype;
	uint16_t client_port, server_port;
	uint8_t client[16], server[16];
	uint64_t qname_hash;
};

struct txn_entry {
	struct txn_key key;
	int64_t ts_ns;
	int64_t msg_id;
	int32_t next;  /* hash chain, -1 ends */
	uint8_t live;
};

struct an_txn {
	struct txn_entry *ring;
	uint32_t cap, head, count;  /* count: slots between head and tail */
	uint32_t max;               /* cap grows by doubling up to max */
	int32_t *bucket;
	uint32_t nbucket;           /* power of two */
	int64_t timeout_ns;
	struct an_txn_stats st;
};

/* FNV-1a over the lowercased name: case-insensitive like DNS itself. */
static uint64_t name_hash(const struct dec_name *n)
{
	uint64_t h = 1469598103934665603ull;
	for (unsigned i = 0; i < n->len; i++) {
		uint8_t c = n->wire[i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		h = (h ^ c) * 1099511628211ull;
	}
	return h;
}

static uint32_t key_hash(const struct txn_key *k)
{
	uint64_t h = k->qname_hash ^ ((uint64_t)k->id << 32 | k->qtype) ^
		     ((uint64_t)k->client_port << 16 | k->server_port);
	for (int i = 0; i < 16; i++)
		h = (h ^ k->client[i] ^ (uint64_t)k->server[i] << 8) * 1099511628211ull;
	return (uint32_t)(h ^ h >> 32);
}

/* client is the query's source; for a response, its destination. */
static void key_make(struct txn_key *k, const struct cap_msg *cm,
		     const struct dec_msg *m, int is_response)
{
	const struct cap_endpoint *client = is_response ? &cm->dst : &cm->src;
	const struct cap_endpoint *server = is_response ? &cm->src : &cm->dst;
	memset(k, 0, sizeof(*k));
	k->family = client->family;
	k->transport = cm->transport;
	k->id = m->id;
	k->qtype = m->qtype;
	k->client_port = client->port;
	k->server_port = server->port;
	memcpy(k->client, client->addr, 16);
	memcpy(k->server, server->addr, 16);
	k->qname_hash = m->has_question ? name_hash(&m->qname) : 0;
}

/* The table starts small and doubles when full, up to max: a capture
 * only pays for the queries it really has pending, and memory stays flat
 * however long it is (a ring as large as max would be touched page by
 * page as it turns). */
#define TXN_INITIAL 4096

struct an_txn *an_txn_new(uint32_t max, int64_t timeout_ns)
{
	struct an_txn *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->max = max ? max : 1;
	t->cap = t->max < TXN_INITIAL ? t->max : TXN_INITIAL;
	t->nbucket = 1;
	while (t->nbucket < t->cap)
		t->nbucket <<= 1;
	t->ring = calloc(t->cap, sizeof(*t->ring));
	t->bucket = malloc(t->nbucket * sizeof(*t->bucket));
	if (!t->ring || !t->bucket) {
		an_txn_free(t);
		return NULL;
	}
	memset(t->bucket, 0xff, t->nbucket * sizeof(*t->bucket));
	t->timeout_ns = timeout_ns;
	return t;
}

void an_txn_free(struct an_txn *t)
{
	if (!t)
		return;
	free(t->ring);
	free(t->bucket);
	free(t);
}

static void unlink_entry(struct an_txn *t, int32_t idx)
{
	struct txn_entry *e = &t->ring[idx];
	int32_t *p = &t->bucket[key_hash(&e->key) & (t->nbucket - 1)];
	while (*p >= 0 && *p != idx)
		p = &t->ring[*p].next;
	if (*p == idx)
		*p = e->next;
	e->live = 0;
}

/* Drops the oldest slot; a live one was never answered. */
static void pop_head(struct an_txn *t, uint64_t *counter)
{
	struct txn_entry *e = &t->ring[t->head];
	if (e->live) {
		unlink_entry(t, (int32_t)t->head);
		(*counter)++;
	}
	t->head = (t->head + 1) % t->cap;
	t->count--;
}

/* Doubles the ring (and the buckets), keeping arrival order: entries are
 * copied oldest first to slots 0.., and the chains rebuilt. */
static int grow(struct an_txn *t)
{
	uint32_t ncap = t->cap * 2 > t->max ? t->max : t->cap * 2;
	uint32_t nb = t->nbucket;
	while (nb < ncap)
		nb <<= 1;
	struct txn_entry *ring = calloc(ncap, sizeof(*ring));
	int32_t *bucket = malloc(nb * sizeof(*bucket));
	if (!ring || !bucket) {
		free(ring);
		free(bucket);
		return -1;
	}
	memset(bucket, 0xff, nb * sizeof(*bucket));
	for (uint32_t i = 0; i < t->count; i++) {
		ring[i] = t->ring[(t->head + i) % t->cap];
		if (!ring[i].live)
			continue;
		int32_t *b = &bucket[key_hash(&ring[i].key) & (nb - 1)];
		ring[i].next = *b;
		*b = (int32_t)i;
	}
	free(t->ring);
	free(t->bucket);
	t->ring = ring;
	t->bucket = bucket;
	t->cap = ncap;
	t->nbucket = nb;
	t->head = 0;
	return 0;
}

void an_txn_query(struct an_txn *t, const struct cap_msg *cm,
		  const struct dec_msg *m, int64_t msg_id)
{
	t->st.queries++;
	/* Out of memory while growing: the oldest query is given up instead. */
	if (t->count == t->cap && (t->cap == t->max || grow(t) != 0))
		pop_head(t, &t->st.evicted);
	uint32_t idx = (t->head + t->count) % t->cap;
	struct txn_entry *e = &t->ring[idx];
	key_make(&e->key, cm, m, 0);
	e->ts_ns = cm->ts_ns;
	e->msg_id = msg_id;
	e->live = 1;
	int32_t *b = &t->bucket[key_hash(&e->key) & (t->nbucket - 1)];
	e->next = *b;
	*b = (int32_t)idx;
	t->count++;
}

int64_t an_txn_response(struct an_txn *t, const struct cap_msg *cm,
			const struct dec_msg *m, int64_t *latency_ns)
{
	struct txn_key k;
	key_make(&k, cm, m, 1);
	t->st.responses++;
	/* The chain holds the newest entry first: a retransmitted query is
	 * answered by the response to its latest copy. */
	for (int32_t i = t->bucket[key_hash(&k) & (t->nbucket - 1)]; i >= 0; i = t->ring[i].next) {
		struct txn_entry *e = &t->ring[i];
		if (memcmp(&e->key, &k, sizeof(k)) != 0)
			continue;
		if (__builtin_sub_overflow(cm->ts_ns, e->ts_ns, latency_ns))
			*latency_ns = 0;
		int64_t id = e->msg_id;
		unlink_entry(t, i);
		t->st.matched++;
		return id;
	}
	t->st.unsolicited++;
	return 0;
}

static int too_old(const struct an_txn *t, const struct txn_entry *e, int64_t now_ns)
{
	int64_t age;
	/* Hostile timestamps may be anywhere in int64: no overflow here. */
	if (__builtin_sub_overflow(now_ns, e->ts_ns, &age))
		return now_ns > e->ts_ns;
	return age > t->timeout_ns;
}

void an_txn_expire(struct an_txn *t, int64_t now_ns)
{
	while (t->count && (!t->ring[t->head].live || too_old(t, &t->ring[t->head], now_ns)))
		pop_head(t, &t->st.expired);
}

const struct an_txn_stats *an_txn_stats(const struct an_txn *t)
{
	return &t->st;
}
