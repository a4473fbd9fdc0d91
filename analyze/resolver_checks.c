/* analyze/resolver_checks.c -- negative trust anchors and EDE claims.
 * See resolver_checks.h. */
#include "analyze/resolver_checks.h"

#include <sqlite3.h>
#include <stddef.h>

#include "util/err.h"

int an_nta_build(sqlite3 *h, int64_t bucket_ns, int64_t tail_ns)
{
	sqlite3_stmt *st = NULL;
	int rc;

	/* Per incident and resolver: the first insecure answer for a name
	 * whose own zone is the incident's, inside the window, preceded by an
	 * AD or SERVFAIL answer for that zone from the same resolver. */
	if (sqlite3_prepare_v2(h,
		"INSERT INTO nta_events SELECT x.resolver, x.zone, x.t, x.id, p.t, p.id, x.n"
		" FROM (SELECT i.id AS inc, d.resolver AS resolver, i.zone AS zone, d.t AS t,"
		"  d.id AS id, count(*) OVER (PARTITION BY i.id, d.resolver) AS n,"
		"  row_number() OVER (PARTITION BY i.id, d.resolver ORDER BY d.t, d.id) AS rn"
		"  FROM incidents i JOIN an_down d ON d.zone = i.zone"
		"  AND d.t >= i.start_ns - ?1 AND d.t <= i.end_ns + ?2"
		"  WHERE d.qdo AND d.rcode IN (0, 3) AND NOT d.ad AND NOT d.stale AND NOT d.tc"
		"  AND EXISTS (SELECT 1 FROM an_down b WHERE b.resolver = d.resolver"
		"   AND b.zone = i.zone AND b.t < d.t AND (b.ad OR b.rcode = 2))) x"
		" JOIN an_down p ON p.id = (SELECT b.id FROM an_down b WHERE b.resolver = x.resolver"
		"  AND b.zone = x.zone AND b.t < x.t AND (b.ad OR b.rcode = 2) ORDER BY b.t DESC"
		"  LIMIT 1)"
		" WHERE x.rn = 1 AND x.n >= ?3",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	sqlite3_bind_int64(st, 1, bucket_ns);
	sqlite3_bind_int64(st, 2, tail_ns);
	sqlite3_bind_int(st, 3, AN_NTA_MIN_ANSWERS);
	rc = sqlite3_step(st) == SQLITE_DONE ? ST_OK : ST_EDB;
	sqlite3_finalize(st);
	if (rc != ST_OK)
		return rc;
	if (sqlite3_exec(h,
		"INSERT INTO incident_evidence SELECT i.id, 'nta ' || n.resolver, m.capture_id,"
		" m.frame, m.id FROM nta_events n JOIN incidents i ON i.zone = n.zone"
		" AND n.first_ts_ns >= i.start_ns JOIN messages m ON m.id = n.evidence_message_id"
		" WHERE i.id = (SELECT max(j.id) FROM incidents j WHERE j.zone = n.zone"
		"  AND j.start_ns <= n.first_ts_ns + 1);",
		NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	return ST_OK;
}

int an_claims_build(sqlite3 *h, int64_t bucket_ns, int64_t tail_ns)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(h,
		"INSERT INTO resolver_claims SELECT s.resolver, s.inc, s.sent, count(*),"
		" coalesce(s.reason, 'bogus'), s.expected,"
		" s.expected IS NOT NULL AND instr(',' || coalesce(s.sent, '') || ',',"
		"  ',' || s.expected || ',') > 0, min(s.id)"
		" FROM (SELECT d.resolver AS resolver, i.id AS inc, d.id AS id, i.reason AS reason,"
		"  (SELECT c.ede FROM an_chk c WHERE c.zone = i.zone AND c.bogus"
		"   AND c.reason = i.reason AND c.ede IS NOT NULL LIMIT 1) AS expected,"
		"  (SELECT group_concat(code, ',') FROM (SELECT DISTINCT e.code AS code FROM an_ede e"
		"   WHERE e.message_id = d.id ORDER BY e.code)) AS sent"
		"  FROM incidents i JOIN an_down d ON d.t >= i.start_ns - ?1 AND d.t <= i.end_ns + ?2"
		"  AND d.rcode = 2 AND an_name_under(d.qname, i.zone)) s"
		" GROUP BY s.resolver, s.inc, s.sent",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	sqlite3_bind_int64(st, 1, bucket_ns);
	sqlite3_bind_int64(st, 2, tail_ns);
	rc = sqlite3_step(st) == SQLITE_DONE ? ST_OK : ST_EDB;
	sqlite3_finalize(st);
	return rc;
}

int an_answers_build(sqlite3 *h)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_exec(h,
		"DROP TABLE IF EXISTS temp.an_ans;"
		"CREATE TEMP TABLE an_ans AS SELECT id, resolver, qname AS q,"
		" qtype AS qt, t, rcode, ad FROM an_down;"
		"CREATE INDEX temp.an_ans_q ON an_ans(q, qt, t);",
		NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	/* An upstream answer is one to a query without RD (a resolver's own
	 * query); the resolver is the address that asked, or the resolver
	 * linked to that upstream address. */
	if (sqlite3_prepare_v2(h,
		"INSERT INTO resolver_answers SELECT v.message_id, v.expected, v.reason, v.ede,"
		" a.id, a.resolver, a.rcode, a.ad,"
		" (SELECT group_concat(code, ',') FROM (SELECT DISTINCT e.code AS code FROM an_ede e"
		"  WHERE e.message_id = a.id ORDER BY e.code))"
		/* CROSS JOIN keeps the verdicts outside (the planner would
		 * scan every message); an_ans by rowid needs no index. */
		" FROM response_verdicts v CROSS JOIN messages u ON u.id = v.message_id"
		" JOIN an_ans a ON a.rowid = (SELECT x.rowid FROM an_ans x WHERE x.q = u.qname"
		"  AND x.qt = u.qtype AND x.t >= u.ts_ns AND x.t <= u.ts_ns + ?1"
		"  AND (x.resolver = u.dst_addr OR x.resolver IN (SELECT l.resolver_addr"
		"   FROM resolver_links l WHERE l.upstream_addr = u.dst_addr))"
		"  ORDER BY x.t LIMIT 1)"
		" WHERE u.rd = 0",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	sqlite3_bind_int64(st, 1, AN_ANSWER_WINDOW_NS);
	rc = sqlite3_step(st) == SQLITE_DONE ? ST_OK : ST_EDB;
	sqlite3_finalize(st);
	return rc; /* an_ans stays: see an_incidents_build_handle() */
}
