/* analyze/dbq.c -- the database write queue and its writer thread. See dbq.h.
 *
 * A record is 8-byte aligned: a header (length, kind, statement, number
 * of values, result slot) and then each value (type, column, length,
 * payload). The capture thread builds one row in a scratch buffer and
 * copies it whole into the current chunk, so a chunk only ever holds
 * complete records. */
#define _GNU_SOURCE /* pthread_setname_np: the writer shows as sigtrail-db in top -H */
#include "analyze/dbq.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

enum { REC_ROW = 1, REC_COMMIT = 2 };
enum { VAL_INT = 1, VAL_TEXT, VAL_STATIC, VAL_BLOB, VAL_SLOT };

#define NO_SLOT UINT32_MAX

struct rec_head {
	uint32_t len;       /* whole record, padded to 8 */
	uint8_t kind, stmt;
	uint16_t nvals;
	uint32_t ret_slot;  /* NO_SLOT or where RETURNING's id goes */
	uint32_t pad;
};

struct val_head {
	uint8_t type, pad;
	uint16_t col;
	uint32_t len;       /* payload bytes before padding */
};

struct chunk {
	uint8_t *buf;
	size_t used;
};

struct an_dbq {
	/* the writer's side */
	sqlite3 *h;
	sqlite3_stmt *const *st;
	int nst;
	unsigned batch, rows;
	int in_txn;
	int64_t *slot_id;
	uint64_t *bound;    /* per statement: columns the last row bound */
	pthread_t thread;

	/* shared, under mu */
	pthread_mutex_t mu;
	pthread_cond_t filled_cv, free_cv, idle_cv;
	struct chunk *filled[DBQ_CHUNKS];
	unsigned head, nfilled;
	struct chunk *free_list[DBQ_CHUNKS];
	unsigned nfree;
	int busy, stop;
	atomic_int failed;
	char err[256];

	/* the capture thread's side */
	struct chunk *cur;
	uint8_t *row;
	size_t row_len, row_cap;
	int row_bad;
	struct chunk chunks[DBQ_CHUNKS];
};

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* --- the writer ------------------------------------------------------- */

static void fail(struct an_dbq *q, const char *what)
{
	pthread_mutex_lock(&q->mu);
	if (!atomic_load(&q->failed)) {
		snprintf(q->err, sizeof(q->err), "%s", what);
		atomic_store(&q->failed, 1);
	}
	pthread_mutex_unlock(&q->mu);
}

static int exec(struct an_dbq *q, const char *sql)
{
	if (sqlite3_exec(q->h, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	fail(q, sqlite3_errmsg(q->h));
	return -1;
}

static void commit(struct an_dbq *q)
{
	if (q->in_txn && exec(q, "COMMIT") == 0) {
		q->in_txn = 0;
		q->rows = 0;
	}
}

static void apply_row(struct an_dbq *q, const uint8_t *p)
{
	const struct rec_head *rh = (const struct rec_head *)p;
	if (rh->stmt >= q->nst)
		return;
	if (!q->in_txn) {
		if (exec(q, "BEGIN"))
			return;
		q->in_txn = 1;
	}
	sqlite3_stmt *s = q->st[rh->stmt];
	const uint8_t *v = p + sizeof(*rh);
	uint64_t mask = 0;
	for (unsigned i = 0; i < rh->nvals; i++) {
		const struct val_head *vh = (const struct val_head *)v;
		mask |= vh->col < 64 ? 1ULL << vh->col : 0;
		const uint8_t *pl = v + sizeof(*vh);
		int64_t n;
		const char *text;
		switch (vh->type) {
		case VAL_INT:
			memcpy(&n, pl, sizeof(n));
			sqlite3_bind_int64(s, vh->col, n);
			break;
		case VAL_SLOT:
			memcpy(&n, pl, sizeof(n));
			sqlite3_bind_int64(s, vh->col, q->slot_id[n]);
			break;
		case VAL_STATIC:
			memcpy(&text, pl, sizeof(text));
			sqlite3_bind_text(s, vh->col, text, -1, SQLITE_STATIC);
			break;
		case VAL_TEXT: /* lives in the chunk until the step is done */
			sqlite3_bind_text(s, vh->col, (const char *)pl, (int)vh->len, SQLITE_STATIC);
			break;
		case VAL_BLOB:
			sqlite3_bind_blob(s, vh->col, pl, (int)vh->len, SQLITE_STATIC);
			break;
		}
		v += sizeof(*vh) + pad8(vh->len);
	}
	/* Columns the previous row set and this one does not go back to
	 * NULL: cheaper than sqlite3_clear_bindings() on all 42 of a
	 * message row after every step. */
	uint64_t stale = q->bound[rh->stmt] & ~mask;
	for (int col = 1; stale; col++)
		if (stale & (1ULL << col)) {
			sqlite3_bind_null(s, col);
			stale &= ~(1ULL << col);
		}
	q->bound[rh->stmt] = mask;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && rh->ret_slot != NO_SLOT) {
		q->slot_id[rh->ret_slot] = sqlite3_column_int64(s, 0);
		rc = sqlite3_step(s);
	}
	if (rc != SQLITE_DONE)
		fail(q, sqlite3_errmsg(q->h));
	sqlite3_reset(s);
	if (++q->rows >= q->batch)
		commit(q);
}

static void apply_chunk(struct an_dbq *q, const struct chunk *c)
{
	for (size_t off = 0; off < c->used;) {
		const struct rec_head *rh = (const struct rec_head *)(c->buf + off);
		if (!atomic_load(&q->failed)) {
			if (rh->kind == REC_ROW)
				apply_row(q, c->buf + off);
			else if (rh->kind == REC_COMMIT)
				commit(q);
		}
		off += rh->len;
	}
}

static void *writer(void *arg)
{
	struct an_dbq *q = arg;
	pthread_setname_np(pthread_self(), "sigtrail-db");
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->nfilled && !q->stop) {
			pthread_cond_broadcast(&q->idle_cv);
			pthread_cond_wait(&q->filled_cv, &q->mu);
		}
		if (!q->nfilled)
			break;
		struct chunk *c = q->filled[q->head];
		q->head = (q->head + 1) % DBQ_CHUNKS;
		q->nfilled--;
		q->busy = 1;
		pthread_mutex_unlock(&q->mu);
		apply_chunk(q, c);
		pthread_mutex_lock(&q->mu);
		c->used = 0;
		q->free_list[q->nfree++] = c;
		q->busy = 0;
		pthread_cond_signal(&q->free_cv);
	}
	pthread_cond_broadcast(&q->idle_cv);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* --- the capture thread ----------------------------------------------- */

struct an_dbq *an_dbq_start(sqlite3 *h, sqlite3_stmt *const *st, int nst, unsigned batch)
{
	struct an_dbq *q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->h = h;
	q->st = st;
	q->nst = nst;
	q->batch = batch ? batch : 1;
	q->slot_id = calloc(DBQ_SLOTS, sizeof(*q->slot_id));
	q->bound = calloc((size_t)nst, sizeof(*q->bound));
	int ok = q->slot_id && q->bound;
	for (unsigned i = 0; ok && i < DBQ_CHUNKS; i++) {
		q->chunks[i].buf = malloc(DBQ_CHUNK_BYTES);
		ok = q->chunks[i].buf != NULL;
		if (ok && i)
			q->free_list[q->nfree++] = &q->chunks[i];
	}
	q->cur = &q->chunks[0];
	if (ok && (pthread_mutex_init(&q->mu, NULL) || pthread_cond_init(&q->filled_cv, NULL) ||
		   pthread_cond_init(&q->free_cv, NULL) || pthread_cond_init(&q->idle_cv, NULL)))
		ok = 0;
	if (!ok || pthread_create(&q->thread, NULL, writer, q)) {
		for (unsigned i = 0; i < DBQ_CHUNKS; i++)
			free(q->chunks[i].buf);
		free(q->slot_id);
		free(q->bound);
		free(q);
		return NULL;
	}
	return q;
}

/* Hands the current chunk to the writer and takes a free one (waiting for
 * the writer when all are full: memory stays bounded). */
static void push_chunk(struct an_dbq *q)
{
	if (!q->cur->used)
		return;
	pthread_mutex_lock(&q->mu);
	q->filled[(q->head + q->nfilled) % DBQ_CHUNKS] = q->cur;
	q->nfilled++;
	pthread_cond_signal(&q->filled_cv);
	while (!q->nfree)
		pthread_cond_wait(&q->free_cv, &q->mu);
	q->cur = q->free_list[--q->nfree];
	pthread_mutex_unlock(&q->mu);
}

static void *row_grow(struct an_dbq *q, size_t n)
{
	if (q->row_bad)
		return NULL;
	if (q->row_len + n > q->row_cap) {
		size_t cap = q->row_cap ? q->row_cap : 4096;
		while (cap < q->row_len + n)
			cap *= 2;
		uint8_t *p = cap <= DBQ_CHUNK_BYTES ? realloc(q->row, cap) : NULL;
		if (!p) {
			q->row_bad = 1;
			return NULL;
		}
		q->row = p;
		q->row_cap = cap;
	}
	void *at = q->row + q->row_len;
	q->row_len += n;
	return at;
}

void an_dbq_row(struct an_dbq *q, int stmt)
{
	q->row_len = 0;
	q->row_bad = 0;
	struct rec_head *rh = row_grow(q, sizeof(*rh));
	if (rh)
		*rh = (struct rec_head){ .kind = REC_ROW, .stmt = (uint8_t)stmt, .ret_slot = NO_SLOT };
}

static void put(struct an_dbq *q, int type, int col, const void *p, size_t n)
{
	if (col < 1 || col > 63) { /* the writer tracks bound columns in a 64-bit mask */
		q->row_bad = 1;
		return;
	}
	struct val_head *vh = row_grow(q, sizeof(*vh) + pad8(n));
	if (!vh)
		return;
	*vh = (struct val_head){ .type = (uint8_t)type, .col = (uint16_t)col, .len = (uint32_t)n };
	memcpy(vh + 1, p, n);
	((struct rec_head *)q->row)->nvals++;
}

void an_dbq_int(struct an_dbq *q, int col, int64_t v)
{
	put(q, VAL_INT, col, &v, sizeof(v));
}

void an_dbq_text(struct an_dbq *q, int col, const char *s)
{
	if (s)
		put(q, VAL_TEXT, col, s, strlen(s));
}

void an_dbq_static(struct an_dbq *q, int col, const char *s)
{
	if (s)
		put(q, VAL_STATIC, col, &s, sizeof(s));
}

void an_dbq_blob(struct an_dbq *q, int col, const void *p, size_t n)
{
	put(q, VAL_BLOB, col, p, n);
}

void an_dbq_slot(struct an_dbq *q, int col, unsigned slot)
{
	int64_t s = slot % DBQ_SLOTS;
	put(q, VAL_SLOT, col, &s, sizeof(s));
}

void an_dbq_returns(struct an_dbq *q, unsigned slot)
{
	if (!q->row_bad)
		((struct rec_head *)q->row)->ret_slot = slot % DBQ_SLOTS;
}

static void append(struct an_dbq *q, const void *rec, size_t len)
{
	if (q->cur->used + len > DBQ_CHUNK_BYTES)
		push_chunk(q);
	memcpy(q->cur->buf + q->cur->used, rec, len);
	q->cur->used += len;
}

int an_dbq_end(struct an_dbq *q)
{
	if (atomic_load(&q->failed))
		return ST_EDB;
	if (q->row_bad) {
		fail(q, "a row the write queue cannot hold (too large, or column out of range)");
		return ST_EDB;
	}
	((struct rec_head *)q->row)->len = (uint32_t)q->row_len;
	append(q, q->row, q->row_len);
	return ST_OK;
}

int an_dbq_commit(struct an_dbq *q)
{
	struct rec_head rh = { .len = sizeof(rh), .kind = REC_COMMIT, .ret_slot = NO_SLOT };
	append(q, &rh, sizeof(rh));
	push_chunk(q);
	return atomic_load(&q->failed) ? ST_EDB : ST_OK;
}

int an_dbq_sync(struct an_dbq *q)
{
	an_dbq_commit(q);
	pthread_mutex_lock(&q->mu);
	while (q->nfilled || q->busy)
		pthread_cond_wait(&q->idle_cv, &q->mu);
	pthread_mutex_unlock(&q->mu);
	/* The writer leaves its last values bound (apply_row); whoever uses
	 * the statements next must find them all NULL. */
	for (int i = 0; i < q->nst; i++) {
		sqlite3_clear_bindings(q->st[i]);
		q->bound[i] = 0;
	}
	return atomic_load(&q->failed) ? ST_EDB : ST_OK;
}

int64_t an_dbq_slot_id(const struct an_dbq *q, unsigned slot)
{
	return q->slot_id[slot % DBQ_SLOTS];
}

void an_dbq_set_slot_id(struct an_dbq *q, unsigned slot, int64_t id)
{
	q->slot_id[slot % DBQ_SLOTS] = id;
}

const char *an_dbq_error(struct an_dbq *q)
{
	pthread_mutex_lock(&q->mu);
	const char *e = q->err;
	pthread_mutex_unlock(&q->mu);
	return e;
}

int an_dbq_stop(struct an_dbq *q)
{
	if (!q)
		return ST_OK;
	int rc = an_dbq_sync(q);
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_signal(&q->filled_cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->filled_cv);
	pthread_cond_destroy(&q->free_cv);
	pthread_cond_destroy(&q->idle_cv);
	for (unsigned i = 0; i < DBQ_CHUNKS; i++)
		free(q->chunks[i].buf);
	free(q->row);
	free(q->slot_id);
	free(q->bound);
	free(q);
	return rc;
}
