/* analyze/answer_join.c -- resolver_answers by a merge join in time order.
 * See answer_join.h.
 *
 * The SQL form (an_answers_build, resolver_checks.c) copies every resolver
 * answer into a temporary table, indexes it by name, type and time, and
 * looks each judged upstream answer up in it: half a second of the
 * incident pass on a million packets (docs/bench.md). Here both streams
 * are read once, in row order, which is time order in a capture read in
 * order: each upstream answer waits, keyed by name and type, until a
 * resolver answer takes it or its window passes. The first allowed answer
 * in (time, row) order is the one the SQL's ORDER BY x.t LIMIT 1 over its
 * (q, qt, t) index picks, so the rows are the same
 * (tests/system/t_pass_paths.sh compares the two). */
#include "analyze/answer_join.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/resolver_checks.h"
#include "util/err.h"

#define AJ_BUCKETS 65536u

struct aj_wait {                 /* an upstream answer waiting */
	struct aj_wait *next, *prev; /* in its hash chain */
	struct aj_wait *fnext;       /* in arrival order */
	int64_t message_id, t;
	int qtype, ede, alive;
	char *qname, *dst, *expected, *reason;
	unsigned bucket;
};

struct aj_link {
	char *upstream, *resolver;
};

struct aj {
	sqlite3 *h;
	struct aj_wait *chain[AJ_BUCKETS];
	struct aj_wait *fhead, *ftail;
	size_t waiting;
	struct aj_link *links;
	size_t nlinks;
	sqlite3_stmt *ins, *ede;
	int rc;
};

static unsigned aj_hash(const char *qname, int qtype)
{
	uint32_t h = 2166136261u ^ (uint32_t)qtype;
	for (const unsigned char *p = (const unsigned char *)qname; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h & (AJ_BUCKETS - 1);
}

static char *aj_dup(const unsigned char *s)
{
	return s ? strdup((const char *)s) : NULL;
}

static void aj_free_wait(struct aj_wait *w)
{
	free(w->qname);
	free(w->dst);
	free(w->expected);
	free(w->reason);
	free(w);
}

static void aj_unchain(struct aj *j, struct aj_wait *w)
{
	if (!w->alive)
		return;
	if (w->prev)
		w->prev->next = w->next;
	else
		j->chain[w->bucket] = w->next;
	if (w->next)
		w->next->prev = w->prev;
	w->alive = 0;
	j->waiting--;
}

/* Frees the waits at the head of the arrival list that are taken or whose
 * window ended before now. */
static void aj_expire(struct aj *j, int64_t now)
{
	while (j->fhead && (!j->fhead->alive || j->fhead->t + AN_ANSWER_WINDOW_NS < now)) {
		struct aj_wait *w = j->fhead;
		aj_unchain(j, w);
		j->fhead = w->fnext;
		if (!j->fhead)
			j->ftail = NULL;
		aj_free_wait(w);
	}
}

static int aj_allowed(const struct aj *j, const char *dst, const char *resolver)
{
	if (!strcmp(dst, resolver))
		return 1;
	for (size_t i = 0; i < j->nlinks; i++)
		if (!strcmp(j->links[i].upstream, dst) && !strcmp(j->links[i].resolver, resolver))
			return 1;
	return 0;
}

static int aj_wait_add(struct aj *j, sqlite3_stmt *v)
{
	struct aj_wait *w = calloc(1, sizeof(*w));
	if (!w)
		return ST_ENOMEM;
	w->message_id = sqlite3_column_int64(v, 0);
	w->expected = aj_dup(sqlite3_column_text(v, 1));
	w->reason = aj_dup(sqlite3_column_text(v, 2));
	w->ede = sqlite3_column_type(v, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(v, 3);
	w->qname = aj_dup(sqlite3_column_text(v, 4));
	w->qtype = sqlite3_column_int(v, 5);
	w->t = sqlite3_column_int64(v, 6);
	w->dst = aj_dup(sqlite3_column_text(v, 7));
	if (!w->expected || !w->qname || !w->dst) {
		aj_free_wait(w);
		return ST_ENOMEM;
	}
	w->bucket = aj_hash(w->qname, w->qtype);
	w->next = j->chain[w->bucket];
	if (w->next)
		w->next->prev = w;
	j->chain[w->bucket] = w;
	w->alive = 1;
	if (j->ftail)
		j->ftail->fnext = w;
	else
		j->fhead = w;
	j->ftail = w;
	j->waiting++;
	return ST_OK;
}

/* One resolver_answers row: upstream answer w, resolver answer a (with
 * the EDE codes it sent, as "6" or "6,9"). */
static int aj_row(struct aj *j, const struct aj_wait *w, sqlite3_stmt *a)
{
	sqlite3_stmt *s = j->ins;
	int64_t id = sqlite3_column_int64(a, 0);
	sqlite3_bind_int64(s, 1, w->message_id);
	sqlite3_bind_text(s, 2, w->expected, -1, SQLITE_STATIC);
	if (w->reason)
		sqlite3_bind_text(s, 3, w->reason, -1, SQLITE_STATIC);
	if (w->ede >= 0)
		sqlite3_bind_int(s, 4, w->ede);
	sqlite3_bind_int64(s, 5, id);
	sqlite3_bind_value(s, 6, sqlite3_column_value(a, 1));
	sqlite3_bind_value(s, 7, sqlite3_column_value(a, 5));
	sqlite3_bind_value(s, 8, sqlite3_column_value(a, 6));
	sqlite3_bind_int64(j->ede, 1, id);
	if (sqlite3_step(j->ede) == SQLITE_ROW)
		sqlite3_bind_value(s, 9, sqlite3_column_value(j->ede, 0));
	int rc = sqlite3_step(s) == SQLITE_DONE ? ST_OK : ST_EDB;
	sqlite3_reset(j->ede);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

/* A resolver's answer to a client: it is the answer of every waiting
 * upstream answer for its name and type that its resolver may speak for. */
static int aj_answer(struct aj *j, sqlite3_stmt *a)
{
	const char *q = (const char *)sqlite3_column_text(a, 2);
	const char *resolver = (const char *)sqlite3_column_text(a, 1);
	int qtype = sqlite3_column_int(a, 3);
	int64_t t = sqlite3_column_int64(a, 4);
	if (!q || !resolver || sqlite3_column_type(a, 3) == SQLITE_NULL)
		return ST_OK;
	aj_expire(j, t);
	struct aj_wait *w = j->chain[aj_hash(q, qtype)], *next;
	for (; w; w = next) {
		next = w->next;
		if (w->qtype != qtype || strcmp(w->qname, q) || w->t + AN_ANSWER_WINDOW_NS < t ||
		    !aj_allowed(j, w->dst, resolver))
			continue;
		int rc = aj_row(j, w, a);
		aj_unchain(j, w);
		if (rc != ST_OK)
			return rc;
	}
	return ST_OK;
}

static int aj_load_links(struct aj *j)
{
	sqlite3_stmt *s = NULL;
	int rc = ST_OK;
	if (sqlite3_prepare_v2(j->h, "SELECT upstream_addr, resolver_addr FROM resolver_links",
			       -1, &s, NULL) != SQLITE_OK)
		return ST_EDB;
	while (rc == ST_OK && sqlite3_step(s) == SQLITE_ROW) {
		struct aj_link *l = realloc(j->links, (j->nlinks + 1) * sizeof(*l));
		if (!l) {
			rc = ST_ENOMEM;
			break;
		}
		j->links = l;
		l[j->nlinks].upstream = aj_dup(sqlite3_column_text(s, 0));
		l[j->nlinks].resolver = aj_dup(sqlite3_column_text(s, 1));
		if (!l[j->nlinks].upstream || !l[j->nlinks].resolver) {
			free(l[j->nlinks].upstream);
			free(l[j->nlinks].resolver);
			rc = ST_ENOMEM;
			break;
		}
		j->nlinks++;
	}
	sqlite3_finalize(s);
	return rc;
}

/* Both streams in row order; ST_ELIMIT if either goes back in time or too
 * many upstream answers wait at once: the caller then runs the SQL form. */
static int aj_run(struct aj *j)
{
	sqlite3_stmt *v = NULL, *a = NULL;
	int rc = ST_EDB;

	if (sqlite3_prepare_v2(j->h,
		"SELECT v.message_id, v.expected, v.reason, v.ede, u.qname, u.qtype, u.ts_ns, u.dst_addr"
		" FROM response_verdicts v CROSS JOIN messages u ON u.id = v.message_id"
		" WHERE u.rd = 0 AND u.qname IS NOT NULL AND u.qtype IS NOT NULL ORDER BY v.message_id",
		-1, &v, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(j->h,
		"SELECT id, resolver, qname, qtype, t, rcode, ad FROM an_down ORDER BY rowid",
		-1, &a, NULL) != SQLITE_OK)
		goto out;
	int have_v = sqlite3_step(v) == SQLITE_ROW, have_a = sqlite3_step(a) == SQLITE_ROW;
	int64_t last_v = INT64_MIN, last_a = INT64_MIN;
	rc = ST_OK;
	while (rc == ST_OK && have_v) {
		int64_t tv = sqlite3_column_int64(v, 6);
		int64_t ta = have_a ? sqlite3_column_int64(a, 4) : INT64_MAX;
		if (tv < last_v || (have_a && ta < last_a)) {
			rc = ST_ELIMIT; /* not in time order */
			break;
		}
		if (tv <= ta) { /* x.t >= u.ts_ns: an upstream answer waits first */
			last_v = tv;
			if (j->waiting >= AN_ANSWER_JOIN_MAX_WAITING)
				rc = ST_ELIMIT;
			else
				rc = aj_wait_add(j, v);
			have_v = sqlite3_step(v) == SQLITE_ROW;
		} else {
			last_a = ta;
			rc = aj_answer(j, a);
			have_a = sqlite3_step(a) == SQLITE_ROW;
		}
	}
	/* Resolver answers after the last upstream answer, while any waits. */
	while (rc == ST_OK && have_a && j->waiting) {
		int64_t ta = sqlite3_column_int64(a, 4);
		if (ta < last_a) {
			rc = ST_ELIMIT;
			break;
		}
		last_a = ta;
		rc = aj_answer(j, a);
		have_a = sqlite3_step(a) == SQLITE_ROW;
	}
out:
	sqlite3_finalize(v);
	sqlite3_finalize(a);
	return rc;
}

int an_answers_join(sqlite3 *h)
{
	struct aj *j = calloc(1, sizeof(*j));
	if (!j)
		return ST_ENOMEM;
	j->h = h;
	int rc = ST_EDB;
	if (sqlite3_exec(h, "SAVEPOINT an_answers_join; DELETE FROM resolver_answers;",
			 NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(h, "INSERT INTO resolver_answers VALUES (?,?,?,?,?,?,?,?,?)", -1,
			       &j->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "SELECT group_concat(code, ',') FROM (SELECT DISTINCT code"
			       " FROM an_ede WHERE message_id = ?1 ORDER BY code)", -1, &j->ede,
			       NULL) != SQLITE_OK)
		goto undo;
	rc = aj_load_links(j);
	if (rc == ST_OK)
		rc = aj_run(j);
undo:
	/* A join that gave up leaves nothing behind for the SQL form. */
	if (rc != ST_OK)
		(void)sqlite3_exec(h, "ROLLBACK TO an_answers_join", NULL, NULL, NULL);
	(void)sqlite3_exec(h, "RELEASE an_answers_join", NULL, NULL, NULL);
out:
	sqlite3_finalize(j->ins);
	sqlite3_finalize(j->ede);
	aj_expire(j, INT64_MAX);
	for (size_t i = 0; i < j->nlinks; i++) {
		free(j->links[i].upstream);
		free(j->links[i].resolver);
	}
	free(j->links);
	free(j);
	return rc;
}
