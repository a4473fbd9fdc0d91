/* analyze/roles.c -- endpoint roles and resolver links. See roles.h. */
#include "analyze/roles.h"

#include <sqlite3.h>
#include <stddef.h>

#include "analyze/endpoint_tally.h"
#include "util/err.h"

/* The same rows as an_tally_store(), from the messages table. */
static const char endpoints_sql[] =
		"DELETE FROM endpoints;"
		"INSERT INTO endpoints SELECT src_addr, 'client', min(ts_ns), max(ts_ns), count(*), 0"
		" FROM messages WHERE qr = 0 AND rd = 1 GROUP BY src_addr;"
		"INSERT INTO endpoints SELECT src_addr, 'resolver', min(ts_ns), max(ts_ns), 0, count(*)"
		" FROM messages WHERE qr = 1 AND rd = 1 AND ra = 1 GROUP BY src_addr;"
		"INSERT INTO endpoints SELECT src_addr, 'upstream', min(ts_ns), max(ts_ns), count(*), 0"
		" FROM messages WHERE qr = 0 AND rd = 0 GROUP BY src_addr;"
		"INSERT INTO endpoints SELECT src_addr, 'authoritative', min(ts_ns), max(ts_ns), 0,"
		" count(*) FROM messages WHERE qr = 1 AND (aa = 1 OR rd = 0) GROUP BY src_addr;";

static int64_t one_int(sqlite3_stmt *st, int64_t dflt)
{
	int64_t v = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL
		? sqlite3_column_int64(st, 0) : dflt;
	sqlite3_reset(st);
	return v;
}

/* The last message row at or before the end of an_cq's reach (its last
 * sample + AN_ROLES_LINK_WINDOW_NS), by bisection on row ids 1..n, for
 * a messages table in time order. INT64_MAX if anything looks odd. */
static int last_row_in_reach(sqlite3 *h, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int64_t lo = 0, hi, until;

	*out = INT64_MAX;
	if (sqlite3_prepare_v2(h, "SELECT max(t) FROM an_cq", -1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	until = one_int(st, INT64_MAX);
	sqlite3_finalize(st);
	if (until > INT64_MAX - AN_ROLES_LINK_WINDOW_NS)
		return ST_OK;
	until += AN_ROLES_LINK_WINDOW_NS;
	if (sqlite3_prepare_v2(h, "SELECT max(rowid) FROM messages", -1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	hi = one_int(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(h, "SELECT ts_ns FROM messages WHERE rowid = ?1", -1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo + 1) / 2;
		sqlite3_bind_int64(st, 1, mid);
		int64_t t = one_int(st, INT64_MIN);
		if (t == INT64_MIN) { /* a gap in the row ids: scan it all */
			lo = INT64_MAX;
			break;
		}
		if (t <= until)
			lo = mid;
		else
			hi = mid - 1;
	}
	sqlite3_finalize(st);
	*out = lo;
	return ST_OK;
}

int an_roles_build(sqlite3 *h, const struct an_tally *tally)
{
	sqlite3_stmt *st = NULL;
	int rc = tally ? an_tally_store(tally, h) : ST_ELIMIT;

	if (rc == ST_ELIMIT)
		rc = sqlite3_exec(h, endpoints_sql, NULL, NULL, NULL) == SQLITE_OK ? ST_OK : ST_EDB;
	if (rc != ST_OK)
		return rc;
	if (sqlite3_exec(h, "DELETE FROM resolver_links;"
			 "DROP TABLE IF EXISTS temp.an_cq; DROP TABLE IF EXISTS temp.an_uq;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	/* A sample of each resolver's client queries is enough to see which
	 * upstream address works for it, and keeps the time join below
	 * linear in the capture (AN_ROLES_LINK_SAMPLE rows each). With few
	 * resolvers and messages stored in time order, one short scan each
	 * for its first queries is cheaper than sorting every client query
	 * by resolver and time. */
	int64_t resolvers = 0;
	if (sqlite3_prepare_v2(h, "SELECT count(*) FROM endpoints WHERE role = 'resolver'", -1, &st,
			       NULL) != SQLITE_OK)
		return ST_EDB;
	if (sqlite3_step(st) == SQLITE_ROW)
		resolvers = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (resolvers <= AN_ROLES_SCAN_RESOLVERS_MAX && an_tally_in_time_order(tally))
		/* rows in time order: each scan stops at its 2000th query */
		rc = sqlite3_exec(h,
			"CREATE TEMP TABLE an_cq AS SELECT e.addr AS res, m.qname AS q, m.ts_ns AS t"
			" FROM endpoints e JOIN messages m ON m.rowid IN (SELECT x.rowid FROM messages x"
			"  WHERE x.dst_addr = e.addr AND x.qr = 0 AND x.rd = 1 AND x.qname IS NOT NULL"
			"  ORDER BY x.rowid LIMIT 2000)"
			" WHERE e.role = 'resolver';", NULL, NULL, NULL);
	else
		rc = sqlite3_exec(h,
			"CREATE TEMP TABLE an_cq AS SELECT res, q, t FROM (SELECT m.dst_addr AS res,"
			" m.qname AS q, m.ts_ns AS t, row_number() OVER (PARTITION BY m.dst_addr"
			" ORDER BY m.ts_ns) AS k FROM messages m JOIN endpoints e ON e.addr = m.dst_addr"
			" AND e.role = 'resolver' WHERE m.qr = 0 AND m.rd = 1 AND m.qname IS NOT NULL)"
			" WHERE k <= 2000;", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return ST_EDB;
	/* Only upstream queries the join below can reach: inside the
	 * sample's time range plus the window. In a table in time order
	 * they lie before a row found by bisection, and the scan stops there. */
	int64_t last_row = INT64_MAX;
	if (an_tally_in_time_order(tally) && (rc = last_row_in_reach(h, &last_row)) != ST_OK)
		return rc;
	if (sqlite3_prepare_v2(h,
		"CREATE TEMP TABLE an_uq AS SELECT src_addr AS up, qname AS q, ts_ns AS t"
		" FROM messages WHERE rowid <= ?2 AND qr = 0 AND rd = 0 AND qname IS NOT NULL"
		" AND qname <> '.' AND ts_ns >= (SELECT min(t) FROM an_cq)"
		" AND ts_ns <= (SELECT max(t) FROM an_cq) + ?1",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	sqlite3_bind_int64(st, 1, AN_ROLES_LINK_WINDOW_NS);
	sqlite3_bind_int64(st, 2, last_row);
	rc = sqlite3_step(st) == SQLITE_DONE ? ST_OK : ST_EDB;
	sqlite3_finalize(st);
	st = NULL;
	if (rc != ST_OK || sqlite3_exec(h, "CREATE INDEX temp.an_uq_t ON an_uq(t);", NULL, NULL,
					NULL) != SQLITE_OK)
		return ST_EDB;
	rc = ST_EDB;
	if (sqlite3_prepare_v2(h,
		"INSERT INTO resolver_links"
		" SELECT l.res, l.up, l.n FROM (SELECT c.res AS res, u.up AS up,"
		"  count(DISTINCT c.rowid) AS n FROM an_cq c JOIN an_uq u"
		"  ON u.t >= c.t AND u.t <= c.t + ?1 AND an_name_under(c.q, u.q)"
		"  GROUP BY c.res, u.up) l"
		" WHERE l.n >= ?2"
		" AND l.n * ?3 >= (SELECT count(*) FROM an_cq x WHERE x.res = l.res)",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	sqlite3_bind_int64(st, 1, AN_ROLES_LINK_WINDOW_NS);
	sqlite3_bind_int(st, 2, AN_ROLES_LINK_MIN);
	sqlite3_bind_int(st, 3, AN_ROLES_LINK_SHARE);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = ST_OK;
	sqlite3_finalize(st);
	return rc; /* an_cq and an_uq stay: see an_incidents_build_handle() */
}
