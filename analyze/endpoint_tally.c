/* analyze/endpoint_tally.c -- per source address role counts. See
 * endpoint_tally.h. Open addressing on the binary address; grows by
 * doubling up to twice AN_TALLY_MAX_ADDRS slots. */
#include "analyze/endpoint_tally.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "capture/endpoint.h"
#include "util/err.h"

enum { ROLE_CLIENT, ROLE_RESOLVER, ROLE_UPSTREAM, ROLE_AUTH, ROLE_N };

static const char *const role_name[ROLE_N] = { "client", "resolver", "upstream", "authoritative" };
/* endpoints(queries, answers): which of the two a role's count goes to */
static const int role_is_answer[ROLE_N] = { 0, 1, 0, 1 };

struct tally_entry {
	struct cap_endpoint ep;   /* port 0: the key is the address */
	int used;
	uint64_t n[ROLE_N];
	int64_t first[ROLE_N], last[ROLE_N];
};

struct an_tally {
	struct tally_entry *slot;
	size_t nslots, nused;
	int overflow;
	uint64_t messages;
	int64_t first_ts, last_ts, prev_ts;
	int backwards;          /* some message older than the one before it */
};

struct an_tally *an_tally_new(void)
{
	struct an_tally *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->nslots = 1024;
	t->slot = calloc(t->nslots, sizeof(*t->slot));
	if (!t->slot) {
		free(t);
		return NULL;
	}
	return t;
}

void an_tally_free(struct an_tally *t)
{
	if (!t)
		return;
	free(t->slot);
	free(t);
}

static size_t addr_hash(const struct cap_endpoint *ep)
{
	uint64_t h = 1469598103934665603ULL ^ ep->family; /* FNV-1a */
	size_t n = ep->family == 4 ? 4 : 16;
	for (size_t i = 0; i < n; i++)
		h = (h ^ ep->addr[i]) * 1099511628211ULL;
	return (size_t)h;
}

static int same_addr(const struct cap_endpoint *a, const struct cap_endpoint *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16);
}

static struct tally_entry *find(struct tally_entry *slot, size_t nslots,
				const struct cap_endpoint *ep)
{
	size_t i = addr_hash(ep) & (nslots - 1);
	while (slot[i].used && !same_addr(&slot[i].ep, ep))
		i = (i + 1) & (nslots - 1);
	return &slot[i];
}

static int grow(struct an_tally *t)
{
	size_t n = t->nslots * 2;
	struct tally_entry *s = calloc(n, sizeof(*s));
	if (!s)
		return -1;
	for (size_t i = 0; i < t->nslots; i++)
		if (t->slot[i].used)
			*find(s, n, &t->slot[i].ep) = t->slot[i];
	free(t->slot);
	t->slot = s;
	t->nslots = n;
	return 0;
}

void an_tally_message(struct an_tally *t, const struct cap_endpoint *src,
		      const struct dec_msg *m, int64_t ts_ns)
{
	if (!t)
		return;
	if (t->messages && ts_ns < t->prev_ts)
		t->backwards = 1;
	t->prev_ts = ts_ns;
	if (!t->messages++ || ts_ns < t->first_ts)
		t->first_ts = ts_ns;
	if (t->messages == 1 || ts_ns > t->last_ts)
		t->last_ts = ts_ns;
	if (t->overflow || m->len < 12)
		return;
	int roles[ROLE_N] = {
		[ROLE_CLIENT] = !m->qr && m->rd,
		[ROLE_RESOLVER] = m->qr && m->rd && m->ra,
		[ROLE_UPSTREAM] = !m->qr && !m->rd,
		[ROLE_AUTH] = m->qr && (m->aa || !m->rd),
	};
	if (!roles[0] && !roles[1] && !roles[2] && !roles[3])
		return;
	struct cap_endpoint key = { .family = src->family };
	memcpy(key.addr, src->addr, src->family == 4 ? 4 : 16);
	struct tally_entry *e = find(t->slot, t->nslots, &key);
	if (!e->used) {
		if (t->nused >= AN_TALLY_MAX_ADDRS || (2 * (t->nused + 1) > t->nslots && grow(t))) {
			t->overflow = 1;
			return;
		}
		e = find(t->slot, t->nslots, &key);
		e->used = 1;
		e->ep = key;
		t->nused++;
	}
	for (int r = 0; r < ROLE_N; r++) {
		if (!roles[r])
			continue;
		if (!e->n[r]++ || ts_ns < e->first[r])
			e->first[r] = ts_ns;
		if (e->n[r] == 1 || ts_ns > e->last[r])
			e->last[r] = ts_ns;
	}
}

int64_t an_tally_span(const struct an_tally *t)
{
	return t && t->messages ? t->last_ts - t->first_ts : 0;
}

int an_tally_in_time_order(const struct an_tally *t)
{
	return t && !t->backwards;
}

struct tally_row {
	char addr[CAP_ADDR_TEXT_MAX];
	const struct tally_entry *e;
};

static int row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tally_row *)a)->addr, ((const struct tally_row *)b)->addr);
}

int an_tally_store(const struct an_tally *t, sqlite3 *h)
{
	if (!t || t->overflow)
		return ST_ELIMIT;
	struct tally_row *rows = calloc(t->nused ? t->nused : 1, sizeof(*rows));
	if (!rows)
		return ST_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < t->nslots; i++)
		if (t->slot[i].used) {
			cap_endpoint_addr(&t->slot[i].ep, rows[n].addr);
			rows[n++].e = &t->slot[i];
		}
	qsort(rows, n, sizeof(*rows), row_cmp);
	sqlite3_stmt *st = NULL;
	int rc = ST_OK;
	if (sqlite3_exec(h, "DELETE FROM endpoints", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "INSERT INTO endpoints VALUES (?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
		rc = ST_EDB;
	for (int r = 0; rc == ST_OK && r < ROLE_N; r++)
		for (size_t i = 0; rc == ST_OK && i < n; i++) {
			const struct tally_entry *e = rows[i].e;
			if (!e->n[r])
				continue;
			sqlite3_bind_text(st, 1, rows[i].addr, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, role_name[r], -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, e->first[r]);
			sqlite3_bind_int64(st, 4, e->last[r]);
			sqlite3_bind_int64(st, 5, role_is_answer[r] ? 0 : (int64_t)e->n[r]);
			sqlite3_bind_int64(st, 6, role_is_answer[r] ? (int64_t)e->n[r] : 0);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = ST_EDB;
			sqlite3_reset(st);
		}
	sqlite3_finalize(st);
	free(rows);
	return rc;
}
