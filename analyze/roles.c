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
	 * resolvers, one scan each for its first queries is cheaper than
	 * sorting every client query by resolver and time. */
	int64_t resolvers = 0;
	if (sqlite3_prepare_v2(h, "SELECT count(*) FROM endpoints WHERE role = 'resolver'", -1, &st,
			       NULL) != SQLITE_OK)
		return ST_EDB;
	if (sqlite3_step(st) == SQLITE_ROW)
		resolvers = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (resolvers <= AN_ROLES_SCAN_RESOLVERS_MAX)
		rc = sqlite3_exec(h,
			"CREATE TEMP TABLE an_cq AS SELECT e.addr AS res, m.qname AS q, m.ts_ns AS t"
			" FROM endpoints e JOIN messages m ON m.rowid IN (SELECT x.rowid FROM messages x"
			"  WHERE x.dst_addr = e.addr AND x.qr = 0 AND x.rd = 1 AND x.qname IS NOT NULL"
			"  ORDER BY x.ts_ns LIMIT 2000)"
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
	 * sample's time range plus the window. */
	if (sqlite3_prepare_v2(h,
		"CREATE TEMP TABLE an_uq AS SELECT src_addr AS up, qname AS q, ts_ns AS t"
		" FROM messages WHERE qr = 0 AND rd = 0 AND qname IS NOT NULL AND qname <> '.'"
		" AND ts_ns >= (SELECT min(t) FROM an_cq) AND ts_ns <= (SELECT max(t) FROM an_cq) + ?1",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	sqlite3_bind_int64(st, 1, AN_ROLES_LINK_WINDOW_NS);
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
