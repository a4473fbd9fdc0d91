/* analyze/buckets.c -- per-resolver and per-zone time buckets. See buckets.h. */
#include "analyze/buckets.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#define NS_PER_MS 1000000LL
#define NS_PER_S 1000000000LL

/* "Round" widths: 100 ms up to one day. */
static const int64_t bucket_widths[] = {
	100 * NS_PER_MS, 200 * NS_PER_MS, 250 * NS_PER_MS, 500 * NS_PER_MS,
	1 * NS_PER_S, 2 * NS_PER_S, 5 * NS_PER_S, 10 * NS_PER_S, 15 * NS_PER_S,
	30 * NS_PER_S, 60 * NS_PER_S, 120 * NS_PER_S, 300 * NS_PER_S, 600 * NS_PER_S,
	900 * NS_PER_S, 1800 * NS_PER_S, 3600 * NS_PER_S, 7200 * NS_PER_S,
	21600 * NS_PER_S, 43200 * NS_PER_S, 86400 * NS_PER_S,
};

int64_t an_buckets_size(int64_t span_ns)
{
	size_t i, n = sizeof(bucket_widths) / sizeof(bucket_widths[0]);

	for (i = 0; i < n; i++)
		if (span_ns / bucket_widths[i] < AN_BUCKETS_MAX)
			return bucket_widths[i];
	return bucket_widths[n - 1];
}

static int run_bound(sqlite3 *h, sqlite3_stmt *st, int64_t bucket_ns)
{
	int rc = ST_EDB;

	(void)h;
	if (!st)
		return ST_EDB;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, bucket_ns);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = ST_OK;
	sqlite3_finalize(st);
	return rc;
}

/* Growable list of one bucket's latencies, in ascending order. */
struct lat_list {
	int64_t *v;
	size_t n, cap;
};

static int lat_push(struct lat_list *l, int64_t lat)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 1024;
		int64_t *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return ST_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = lat;
	return ST_OK;
}

/* Stores the lower median of the bucket's latencies: row (n + 1) / 2 in
 * ascending order, what a window query per bucket gave in 3x the time
 * (docs/bench.md). */
static int lat_store(sqlite3_stmt *up, const unsigned char *resolver, int64_t b,
		     const struct lat_list *l)
{
	if (!l->n)
		return ST_OK;
	sqlite3_reset(up);
	sqlite3_bind_int64(up, 1, l->v[(l->n + 1) / 2 - 1]);
	sqlite3_bind_text(up, 2, (const char *)resolver, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(up, 3, b);
	return sqlite3_step(up) == SQLITE_DONE ? ST_OK : ST_EDB;
}

/* One ordered read of the answers with a latency, grouped here: the
 * resolver text of the group is kept while its rows are read. */
static int latency_medians(sqlite3 *h)
{
	sqlite3_stmt *rd = NULL, *up = NULL;
	struct lat_list l = { 0 };
	unsigned char *resolver = NULL;
	int64_t b = 0;
	int rc = ST_EDB, s = SQLITE_DONE;

	if (sqlite3_prepare_v2(h, "SELECT resolver, b, lat FROM an_down WHERE lat > 0"
			       " ORDER BY resolver, b, lat", -1, &rd, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "UPDATE resolver_buckets SET latency_median_ns = ?1"
			       " WHERE resolver = ?2 AND bucket_start_ns = ?3", -1, &up,
			       NULL) != SQLITE_OK)
		goto out;
	rc = ST_OK;
	while (rc == ST_OK && (s = sqlite3_step(rd)) == SQLITE_ROW) {
		const unsigned char *r = sqlite3_column_text(rd, 0);
		int64_t rb = sqlite3_column_int64(rd, 1);
		if (!r)
			continue;
		if (!resolver || rb != b || strcmp((const char *)r, (const char *)resolver)) {
			rc = resolver ? lat_store(up, resolver, b, &l) : ST_OK;
			free(resolver);
			resolver = (unsigned char *)strdup((const char *)r);
			if (!resolver && rc == ST_OK)
				rc = ST_ENOMEM;
			b = rb;
			l.n = 0;
		}
		if (rc == ST_OK)
			rc = lat_push(&l, sqlite3_column_int64(rd, 2));
	}
	if (rc == ST_OK && s != SQLITE_DONE)
		rc = ST_EDB;
	if (rc == ST_OK && resolver)
		rc = lat_store(up, resolver, b, &l);
out:
	sqlite3_finalize(rd);
	sqlite3_finalize(up);
	free(resolver);
	free(l.v);
	return rc;
}

static int resolver_buckets(sqlite3 *h, int64_t bucket_ns)
{
	sqlite3_stmt *st = NULL;
	int rc;

	sqlite3_prepare_v2(h,
		"INSERT INTO resolver_buckets SELECT resolver, b, ?1, count(*),"
		" sum(rcode = 2), sum(rcode = 0), sum(rcode = 3),"
		" sum(qdo AND rcode IN (0, 3) AND zsigned),"
		" sum(qdo AND rcode IN (0, 3) AND zsigned AND ad), sum(stale), NULL, NULL"
		" FROM an_down GROUP BY resolver, b", -1, &st, NULL);
	rc = run_bound(h, st, bucket_ns);
	if (rc != ST_OK)
		return rc;
	if (sqlite3_exec(h,
		"UPDATE resolver_buckets SET ede_codes = (SELECT group_concat(c || ':' || n, ',')"
		" FROM (SELECT e.code AS c, count(*) AS n FROM an_down d"
		"  JOIN an_ede e ON e.message_id = d.id"
		"  WHERE d.resolver = resolver_buckets.resolver"
		"  AND d.b = resolver_buckets.bucket_start_ns GROUP BY e.code ORDER BY e.code));",
		NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	return latency_medians(h);
}

static int sig_buckets(sqlite3 *h, int64_t bucket_ns)
{
	sqlite3_stmt *st = NULL;
	int rc;

	sqlite3_prepare_v2(h,
		"INSERT INTO sig_buckets SELECT zone, b, ?1, sum(valid), sum(bogus), NULL"
		" FROM an_chk WHERE zone IS NOT NULL GROUP BY zone, b", -1, &st, NULL);
	rc = run_bound(h, st, bucket_ns);
	if (rc != ST_OK)
		return rc;
	if (sqlite3_exec(h,
		"UPDATE sig_buckets SET by_reason = (SELECT group_concat(r || ':' || n, ',')"
		" FROM (SELECT reason AS r, count(*) AS n FROM an_chk c"
		"  WHERE c.zone = sig_buckets.zone AND c.b = sig_buckets.bucket_start_ns"
		"  AND c.bogus GROUP BY reason ORDER BY reason));",
		NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	return ST_OK;
}

int an_buckets_build(sqlite3 *h, int64_t bucket_ns)
{
	int rc;

	if (sqlite3_exec(h, "DELETE FROM resolver_buckets; DELETE FROM sig_buckets;"
			 "CREATE INDEX IF NOT EXISTS temp.an_down_rb ON an_down(resolver, b);"
			 "CREATE INDEX IF NOT EXISTS temp.an_chk_zb ON an_chk(zone, b) WHERE bogus;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	rc = resolver_buckets(h, bucket_ns);
	if (rc == ST_OK)
		rc = sig_buckets(h, bucket_ns);
	return rc;
}
