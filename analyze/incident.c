/* analyze/incident.c -- the incident pass. See incident.h. */
#include "analyze/denial.h"
#include "analyze/incident.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "analyze/answer_join.h"
#include "analyze/buckets.h"
#include "analyze/db.h"
#include "analyze/endpoint_tally.h"
#include "analyze/resolver_checks.h"
#include "analyze/roles.h"
#include "analyze/zonemap.h"
#include "util/err.h"

#define INC_ZONE_MAX 1100
#define INC_REASON_MAX 40
#define INC_SUMMARY_MAX 2048

struct inc_reason {
	char code[INC_REASON_MAX];
	int64_t n;
	int ede;               /* -1: none */
};

/* One window of bogus evidence for one zone, being collected. */
struct inc_win {
	char zone[INC_ZONE_MAX];
	int64_t start, end, first_mid, last_mid;
	struct inc_reason r[AN_INC_REASONS_MAX];
	int nr;
};

struct inc_ctx {
	sqlite3 *h;
	int64_t bucket, gap;
	const struct an_tally *tally;
	int written;           /* incidents written by this pass */
};

/* "Validates again from" looks for a zone's first valid check after each
 * incident. Indexing every check by (zone, t) cost more than a scan of
 * them per incident (about 100 ms against 15 ms per million packets), so the
 * index is built only once a pass has this many incidents. */
#define INC_ZT_INDEX_AFTER 4

/* Root-cause classes by reason code (docs/validation.md). */
static const struct {
	const char *reason, *cause, *what;
} inc_causes[] = {
	{ "unpublished_key", "key_tag_collision",
	  "RRSIGs carry the tag of a published key but were made by another key with the same tag" },
	{ "key_missing", "key_missing", "RRSIGs name a key the zone does not publish" },
	{ "expired", "expired_signatures", "signatures expired" },
	{ "expired_before_valid", "expired_signatures", "signatures expire before their inception" },
	{ "not_yet_valid", "not_yet_valid_signatures", "signatures not yet valid" },
	{ "ds_mismatch", "ds_mismatch", "no DNSKEY matches the DS in the parent" },
	{ "rrsigs_missing", "missing_rrsigs", "RRsets of a signed zone arrive without RRSIGs" },
	{ "alg_unsupported", "unsupported_algorithm", "algorithm not implemented" },
	{ "key_unsupported", "unsupported_algorithm", "key outside supported limits" },
};

static void inc_cause(const struct inc_win *w, int collision, const char **cause,
		      const char **what)
{
	const char *r = w->nr ? w->r[0].code : "";
	int i, best = 0;
	size_t k;

	for (i = 1; i < w->nr; i++)
		if (w->r[i].n > w->r[best].n)
			best = i;
	if (w->nr)
		r = w->r[best].code;
	*cause = "other";
	*what = "signatures fail validation";
	if (an_denial_is_reason(r)) {
		*cause = "bogus_denial";
		*what = "the proof of non-existence does not hold";
	}
	for (k = 0; k < sizeof(inc_causes) / sizeof(inc_causes[0]); k++)
		if (strcmp(r, inc_causes[k].reason) == 0) {
			*cause = inc_causes[k].cause;
			*what = inc_causes[k].what;
		}
	if (strcmp(*cause, "key_missing") == 0 && collision) {
		*cause = "key_tag_collision";
		*what = inc_causes[0].what;
	}
}

static const struct inc_reason *inc_main_reason(const struct inc_win *w)
{
	int i, best = 0;

	if (!w->nr)
		return NULL;
	for (i = 1; i < w->nr; i++)
		if (w->r[i].n > w->r[best].n)
			best = i;
	return &w->r[best];
}

static int inc_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? ST_OK : ST_EDB;

	sqlite3_finalize(st);
	return rc;
}

/* Temporary tables every later step reads: resolver answers to clients
 * (an_down), their EDE codes (an_ede), and every signature check and
 * bogus response with its zone (an_chk). */
/* Bucket columns are CASTs: a plain expression column of CREATE TABLE AS
 * has no affinity, and then comparing it with an INTEGER column cannot use
 * an index (the per-bucket updates went quadratic). */
static int inc_prepare(struct inc_ctx *c)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_exec(c->h,
		"DROP TABLE IF EXISTS temp.an_ede; DROP TABLE IF EXISTS temp.an_down;"
		"DROP TABLE IF EXISTS temp.an_chk;"
		"CREATE TEMP TABLE an_ede AS SELECT message_id, code FROM ede;"
		"CREATE INDEX temp.an_ede_m ON an_ede(message_id);",
		NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	/* zsigned and stale in the same statement: an UPDATE after it
	 * rewrote every row. */
	if (sqlite3_prepare_v2(c->h,
		"CREATE TEMP TABLE an_down AS SELECT id, capture_id, frame, resolver, client, t, b,"
		" rcode, ad, qname, qtype, zone, an_zone_signed(zone) AS zsigned, qdo, lat, EXISTS (SELECT 1 FROM an_ede e WHERE e.message_id = x.id"
		" AND e.code IN (3, 19)) AS stale, tc"
		" FROM (SELECT m.id AS id, m.capture_id AS capture_id,"
		" m.frame AS frame, m.src_addr AS resolver, m.dst_addr AS client, m.ts_ns AS t,"
		" CAST((m.ts_ns / ?1) * ?1 AS INTEGER) AS b, m.rcode AS rcode, m.ad AS ad, m.qname AS qname,"
		" m.qtype AS qtype, an_zone_of(m.qname) AS zone, coalesce(q.edns_do, 0) AS qdo,"
		" m.latency_ns AS lat, m.tc AS tc"
		" FROM messages m LEFT JOIN messages q ON q.id = m.query_id"
		" WHERE m.qr = 1 AND m.rd = 1 AND m.ra = 1 AND m.qname IS NOT NULL"
		" AND m.src_addr IN (SELECT addr FROM endpoints WHERE role = 'resolver')"
		/* in id order, so that answer_join.c reads it by rowid */
		" ORDER BY m.id) x",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	sqlite3_bind_int64(st, 1, c->bucket);
	if (inc_step_done(st))
		return ST_EDB;
	if (sqlite3_exec(c->h,
		"CREATE INDEX temp.an_down_t ON an_down(t);"
		/* the per-bucket updates look rows up by (resolver, bucket) */
		"CREATE INDEX temp.an_down_rb ON an_down(resolver, b);",
		NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	if (sqlite3_prepare_v2(c->h,
		"CREATE TEMP TABLE an_chk AS SELECT s.zone AS zone, c.ts_ns AS t,"
		" CAST((c.ts_ns / ?1) * ?1 AS INTEGER) AS b, (c.verdict = 'bogus' OR c.chain = 'bogus') AS bogus,"
		" (c.verdict = 'valid' AND c.chain = 'secure') AS valid,"
		" CASE WHEN c.verdict = 'bogus' OR v.reason IS NULL THEN c.reason"
		"  ELSE v.reason END AS reason,"
		" CASE WHEN c.verdict = 'bogus' OR v.reason IS NULL THEN c.ede ELSE v.ede END AS ede,"
		" c.message_id AS mid"
		" FROM sig_checks c JOIN signatures s ON s.id = c.signature_id"
		" LEFT JOIN response_verdicts v ON v.message_id = c.message_id",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	sqlite3_bind_int64(st, 1, c->bucket);
	if (inc_step_done(st))
		return ST_EDB;
	/* Partial indexes on the few bogus rows where only those are looked
	 * up: an index over every check cost as much as building an_chk. */
	if (sqlite3_exec(c->h, "CREATE INDEX temp.an_chk_m ON an_chk(mid) WHERE bogus;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	/* Bogus responses without a failing check: RRSIGs missing. */
	if (sqlite3_prepare_v2(c->h,
		"INSERT INTO an_chk SELECT coalesce((SELECT f.zone FROM findings f"
		"  WHERE f.message_id = v.message_id AND f.zone IS NOT NULL LIMIT 1),"
		"  an_signed_zone_of(m.qname)),"
		" m.ts_ns, (m.ts_ns / ?1) * ?1, 1, 0, coalesce(v.reason, 'bogus'), v.ede, v.message_id"
		" FROM response_verdicts v JOIN messages m ON m.id = v.message_id"
		" WHERE v.expected = 'bogus'"
		" AND NOT EXISTS (SELECT 1 FROM an_chk c WHERE c.mid = v.message_id AND c.bogus)",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	sqlite3_bind_int64(st, 1, c->bucket);
	if (inc_step_done(st))
		return ST_EDB;
	if (sqlite3_exec(c->h, "CREATE INDEX temp.an_chk_zb ON an_chk(zone, b) WHERE bogus;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	return ST_OK;
}

static void inc_time(char *dst, size_t len, int64_t ns, int with_date)
{
	time_t s = (time_t)(ns / 1000000000LL);
	struct tm tm;

	if (!gmtime_r(&s, &tm) ||
	    !strftime(dst, len, with_date ? "%Y-%m-%d %H:%M:%SZ" : "%H:%M:%SZ", &tm))
		snprintf(dst, len, "?");
}

static void inc_span(char *dst, size_t len, int64_t ns)
{
	int64_t s = ns / 1000000000LL;

	if (s >= 3600)
		snprintf(dst, len, "%lldh%02lldm", (long long)(s / 3600), (long long)(s / 60 % 60));
	else if (s >= 60)
		snprintf(dst, len, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(dst, len, "%llds", (long long)s);
}

/* Has the zone a published key sharing a tag, or keys recovered from its
 * failing signatures? */
static int inc_collision(struct inc_ctx *c, const char *zone, int *tag, int64_t *recovered)
{
	sqlite3_stmt *st = NULL;
	int hit = 0;

	*tag = -1;
	*recovered = 0;
	if (sqlite3_prepare_v2(c->h,
		"SELECT (SELECT count(*) FROM recovered_keys WHERE zone = ?1),"
		" (SELECT count(*) FROM keys WHERE zone = ?1 AND tag_collision)"
		"  + (SELECT count(*) FROM findings WHERE zone = ?1"
		"     AND kind = 'published_tag_collision'),"
		" (SELECT key_tag FROM findings WHERE zone = ?1 AND key_tag IS NOT NULL"
		"  AND kind IN ('unpublished_key', 'published_tag_collision', 'key_missing')"
		"  ORDER BY kind = 'key_missing', ts_ns LIMIT 1)",
		-1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, zone, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*recovered = sqlite3_column_int64(st, 0);
		hit = *recovered > 0 || sqlite3_column_int64(st, 1) > 0;
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			*tag = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	return hit;
}

/* Client impact: names, clients, zones, EDE, stale answers, peak ratio,
 * recovery. ?1 id, ?2 zone, ?3 lo, ?4 hi, ?5 end. */
/* ?1 incident id, ?2 zone, ?3..?4 the window with its margins: the
 * parameters every per-incident statement below shares. */
static void inc_bind_window(sqlite3_stmt *st, int64_t id, const struct inc_win *w,
			    int64_t lo, int64_t hi)
{
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, w->zone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, lo);
	sqlite3_bind_int64(st, 4, hi);
}

static int inc_impact(struct inc_ctx *c, int64_t id, const struct inc_win *w, int64_t lo,
		      int64_t hi)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(c->h,
		"INSERT INTO incident_names SELECT ?1, d.qname, d.zone,"
		" (d.zsigned = 0 AND d.zone IS NOT NULL AND d.zone <> ?2"
		"  AND an_name_under(d.zone, ?2)), count(*), min(d.t)"
		" FROM an_down d WHERE d.rcode = 2 AND d.t >= ?3 AND d.t <= ?4"
		" AND an_name_under(d.qname, ?2) GROUP BY d.qname",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	inc_bind_window(st, id, w, lo, hi);
	if ((rc = inc_step_done(st)) != ST_OK)
		return rc;
	if (sqlite3_prepare_v2(c->h,
		"UPDATE incidents SET"
		" names = (SELECT count(*) FROM incident_names WHERE incident_id = ?1),"
		" first_servfail_ns = (SELECT min(first_ts_ns) FROM incident_names"
		"  WHERE incident_id = ?1),"
		" zones = (SELECT group_concat(zone, ',') FROM (SELECT DISTINCT zone"
		"  FROM incident_names WHERE incident_id = ?1 AND NOT collateral"
		"  AND zone IS NOT NULL ORDER BY zone)),"
		" collateral_zones = (SELECT group_concat(zone, ',') FROM (SELECT DISTINCT zone"
		"  FROM incident_names WHERE incident_id = ?1 AND collateral ORDER BY zone)),"
		" clients = (SELECT count(DISTINCT client) FROM an_down d WHERE d.rcode = 2"
		"  AND d.t >= ?3 AND d.t <= ?4 AND an_name_under(d.qname, ?2)),"
		" ede_codes = (SELECT group_concat(code || ':' || n, ',') FROM (SELECT e.code AS code,"
		"  count(*) AS n FROM an_down d JOIN an_ede e ON e.message_id = d.id"
		"  WHERE d.rcode = 2 AND d.t >= ?3 AND d.t <= ?4 AND an_name_under(d.qname, ?2)"
		"  GROUP BY e.code ORDER BY e.code)),"
		" stale_answers = (SELECT count(*) FROM an_down d WHERE d.stale"
		"  AND d.t >= ?3 AND d.t <= ?4 AND an_name_under(d.qname, ?2)),"
		" peak_servfail_ratio = (SELECT max(r) FROM (SELECT 1.0 * sum(d.rcode = 2) / count(*)"
		"  AS r FROM an_down d WHERE d.t >= ?3 AND d.t <= ?4"
		"  AND an_name_under(d.qname, ?2) GROUP BY d.b)),"
		" recovered_ns = (SELECT min(b) FROM an_chk WHERE zone = ?2 AND valid AND t > ?5)"
		" WHERE id = ?1",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	inc_bind_window(st, id, w, lo, hi);
	sqlite3_bind_int64(st, 5, w->end);
	return inc_step_done(st);
}

/* Frames behind each claim. */
static int inc_evidence(struct inc_ctx *c, int64_t id, const struct inc_win *w, int64_t lo,
			int64_t hi)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(c->h,
		"INSERT INTO incident_evidence"
		" SELECT ?1, 'first_bogus', capture_id, frame, id FROM messages WHERE id = ?6"
		" UNION ALL SELECT ?1, 'last_bogus', capture_id, frame, id FROM messages WHERE id = ?7"
		" UNION ALL SELECT * FROM (SELECT ?1, 'root_cause ' || kind, capture_id, frame,"
		"  message_id FROM findings WHERE zone = ?2 AND ts_ns >= ?3 AND ts_ns <= ?4"
		"  ORDER BY ts_ns LIMIT 8)"
		" UNION ALL SELECT * FROM (SELECT ?1, 'first_servfail', capture_id, frame, id"
		"  FROM an_down d WHERE d.rcode = 2 AND d.t >= ?3 AND d.t <= ?4"
		"  AND an_name_under(d.qname, ?2) ORDER BY d.t LIMIT 1)"
		" UNION ALL SELECT * FROM (SELECT ?1, 'collateral_servfail ' || x.zone, d.capture_id,"
		"  d.frame, d.id FROM (SELECT zone, min(first_ts_ns) AS t FROM incident_names"
		"  WHERE incident_id = ?1 AND collateral GROUP BY zone) x"
		"  JOIN an_down d ON d.t = x.t AND d.rcode = 2 AND d.zone = x.zone GROUP BY x.zone)"
		" UNION ALL SELECT * FROM (SELECT ?1, 'peak_servfail', capture_id, frame, id"
		"  FROM an_down d WHERE d.rcode = 2 AND an_name_under(d.qname, ?2)"
		"  AND d.t >= ?3 AND d.t <= ?4 AND d.b = (SELECT b FROM an_down e"
		"  WHERE e.t >= ?3 AND e.t <= ?4 AND an_name_under(e.qname, ?2) GROUP BY e.b"
		"  ORDER BY 1.0 * sum(e.rcode = 2) / count(*) DESC, e.b LIMIT 1) ORDER BY d.t LIMIT 1)"
		" UNION ALL SELECT * FROM (SELECT ?1, 'recovered', m.capture_id, m.frame, m.id"
		"  FROM an_chk k JOIN messages m ON m.id = k.mid WHERE k.zone = ?2 AND k.valid"
		"  AND k.t > ?5 ORDER BY k.t LIMIT 1)",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	inc_bind_window(st, id, w, lo, hi);
	sqlite3_bind_int64(st, 5, w->end);
	sqlite3_bind_int64(st, 6, w->first_mid);
	sqlite3_bind_int64(st, 7, w->last_mid);
	return inc_step_done(st);
}

static int inc_summary(struct inc_ctx *c, int64_t id, const struct inc_win *w,
		       const char *what, int tag, int64_t recovered_keys)
{
	const struct inc_reason *r = inc_main_reason(w);
	char buf[INC_SUMMARY_MAX], t0[40], t1[40], t2[40], span[24], cause[512];
	sqlite3_stmt *st = NULL;
	size_t n;
	int rc;

	if (sqlite3_prepare_v2(c->h,
		"SELECT first_servfail_ns, peak_servfail_ratio, names, clients, zones,"
		" collateral_zones, ede_codes, stale_answers, recovered_ns FROM incidents WHERE id = ?1",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ST_EDB;
	}
	inc_time(t0, sizeof(t0), w->start, 1);
	inc_time(t1, sizeof(t1), w->end, 0);
	inc_span(span, sizeof(span), w->end - w->start);
	snprintf(cause, sizeof(cause), "%s", what);
	if (tag >= 0 && r && (strcmp(r->code, "unpublished_key") == 0 ||
			      strcmp(r->code, "key_missing") == 0)) {
		if (recovered_keys)
			snprintf(cause, sizeof(cause), "%s (key tag %d, %lld key%s recovered from the"
				 " failing signatures)", what, tag, (long long)recovered_keys,
				 recovered_keys == 1 ? "" : "s");
		else
			snprintf(cause, sizeof(cause), "%s (key tag %d; no signing key recovered)",
				 what, tag);
	}
	n = (size_t)snprintf(buf, sizeof(buf), "%s DNSSEC validation failed from %s to %s (%s): %s",
			     w->zone, t0, t1, span, cause);
	if (r && n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " [%s%s%.0d].", r->code,
				      r->ede >= 0 ? ", validators should send EDE " : "",
				      r->ede >= 0 ? r->ede : 0);
	if (sqlite3_column_type(st, 0) != SQLITE_NULL && n < sizeof(buf)) {
		inc_time(t2, sizeof(t2), sqlite3_column_int64(st, 0), 0);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			" First SERVFAIL to a client %s; worst bucket %.0f%% SERVFAIL; %lld names,"
			" %lld clients affected", t2, 100.0 * sqlite3_column_double(st, 1),
			(long long)sqlite3_column_int64(st, 2), (long long)sqlite3_column_int64(st, 3));
		if (sqlite3_column_type(st, 4) != SQLITE_NULL && n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, " in %s",
					      (const char *)sqlite3_column_text(st, 4));
		if (sqlite3_column_type(st, 5) != SQLITE_NULL && n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
					      ", also unsigned zones below it: %s",
					      (const char *)sqlite3_column_text(st, 5));
		if (sqlite3_column_type(st, 6) != SQLITE_NULL && n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "; EDE sent (code:count) %s",
					      (const char *)sqlite3_column_text(st, 6));
		if (n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, ".");
	} else if (n < sizeof(buf)) {
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      " No client got SERVFAIL for it in the capture.");
	}
	if (sqlite3_column_int64(st, 7) > 0 && n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " %lld stale answers served.",
				      (long long)sqlite3_column_int64(st, 7));
	if (n < sizeof(buf)) {
		if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
			inc_time(t2, sizeof(t2), sqlite3_column_int64(st, 8), 0);
			snprintf(buf + n, sizeof(buf) - n, " Validates again from %s.", t2);
		} else {
			snprintf(buf + n, sizeof(buf) - n, " Not seen validating again.");
		}
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(c->h, "UPDATE incidents SET summary = ?2 WHERE id = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, buf, -1, SQLITE_STATIC);
	rc = inc_step_done(st);
	return rc;
}

static int inc_write(struct inc_ctx *c, const struct inc_win *w)
{
	const struct inc_reason *r = inc_main_reason(w);
	const char *cause, *what;
	int64_t lo = w->start - c->bucket, hi = w->end + c->gap, id, recovered;
	sqlite3_stmt *st = NULL;
	int tag, collision, rc;

	collision = inc_collision(c, w->zone, &tag, &recovered);
	inc_cause(w, collision, &cause, &what);
	if (sqlite3_prepare_v2(c->h,
		"INSERT INTO incidents(zone, start_ns, end_ns, root_cause, reason, names, clients,"
		" stale_answers, summary) VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 0, '')",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	sqlite3_bind_text(st, 1, w->zone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, w->start);
	sqlite3_bind_int64(st, 3, w->end);
	sqlite3_bind_text(st, 4, cause, -1, SQLITE_STATIC);
	if (r)
		sqlite3_bind_text(st, 5, r->code, -1, SQLITE_STATIC);
	if ((rc = inc_step_done(st)) != ST_OK)
		return rc;
	id = sqlite3_last_insert_rowid(c->h);
	if (++c->written == INC_ZT_INDEX_AFTER &&
	    sqlite3_exec(c->h, "CREATE INDEX IF NOT EXISTS temp.an_chk_zt ON an_chk(zone, t)",
			 NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	rc = inc_impact(c, id, w, lo, hi);
	if (rc == ST_OK)
		rc = inc_evidence(c, id, w, lo, hi);
	if (rc == ST_OK)
		rc = inc_summary(c, id, w, what, tag, recovered);
	return rc;
}

static void inc_count_reason(struct inc_win *w, const char *reason, int ede)
{
	int i;

	if (!reason)
		reason = "bogus";
	for (i = 0; i < w->nr; i++)
		if (strcmp(w->r[i].code, reason) == 0) {
			w->r[i].n++;
			return;
		}
	if (w->nr == AN_INC_REASONS_MAX)
		return;
	snprintf(w->r[w->nr].code, sizeof(w->r[w->nr].code), "%s", reason);
	w->r[w->nr].n = 1;
	w->r[w->nr].ede = ede;
	w->nr++;
}

/* Walks the bogus evidence per zone in time order, cutting windows at
 * gaps longer than c->gap. */
static int inc_windows(struct inc_ctx *c)
{
	struct inc_win w;
	sqlite3_stmt *st = NULL;
	int have = 0, rc = ST_OK, s;

	memset(&w, 0, sizeof(w));
	if (sqlite3_prepare_v2(c->h,
		"SELECT zone, t, reason, coalesce(ede, -1), mid FROM an_chk"
		" WHERE bogus AND zone IS NOT NULL ORDER BY zone, t, mid",
		-1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	while (rc == ST_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *zone = (const char *)sqlite3_column_text(st, 0);
		int64_t t = sqlite3_column_int64(st, 1);

		if (!zone || strlen(zone) >= sizeof(w.zone))
			continue;
		if (have && (strcmp(zone, w.zone) != 0 || t - w.end > c->gap)) {
			rc = inc_write(c, &w);
			have = 0;
		}
		if (!have) {
			memset(&w, 0, sizeof(w));
			snprintf(w.zone, sizeof(w.zone), "%s", zone);
			w.start = t;
			w.first_mid = sqlite3_column_int64(st, 4);
			have = 1;
		}
		w.end = t;
		w.last_mid = sqlite3_column_int64(st, 4);
		inc_count_reason(&w, (const char *)sqlite3_column_text(st, 2),
				 sqlite3_column_int(st, 3));
	}
	sqlite3_finalize(st);
	if (rc == ST_OK && have)
		rc = inc_write(c, &w);
	return rc;
}

static int inc_span_of(sqlite3 *h, int64_t *span)
{
	sqlite3_stmt *st = NULL;
	int rc = ST_EDB;

	*span = 0;
	if (sqlite3_prepare_v2(h, "SELECT coalesce(max(ts_ns) - min(ts_ns), 0) FROM messages",
			       -1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*span = sqlite3_column_int64(st, 0);
		rc = ST_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static int inc_run(struct inc_ctx *c)
{
	int rc;

	if (sqlite3_exec(c->h,
		"DELETE FROM incidents; DELETE FROM incident_evidence; DELETE FROM incident_names;"
		"DELETE FROM nta_events; DELETE FROM resolver_claims; DELETE FROM resolver_answers;",
		NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	rc = an_roles_build(c->h, c->tally);
	if (rc == ST_OK)
		rc = inc_prepare(c);
	if (rc == ST_OK)
		rc = an_buckets_build(c->h, c->bucket);
	if (rc == ST_OK)
		rc = inc_windows(c);
	if (rc == ST_OK)
		rc = an_nta_build(c->h, c->bucket, c->gap);
	if (rc == ST_OK)
		rc = an_claims_build(c->h, c->bucket, c->gap);
	/* The merge join when the capture was streamed here (the SQL form
	 * for bare handles, SIGTRAIL_PASS_FROM_SQL, and captures out of time
	 * order). */
	if (rc == ST_OK && c->tally)
		rc = an_answers_join(c->h);
	if (rc == ST_ELIMIT || (rc == ST_OK && !c->tally))
		rc = an_answers_build(c->h);
	return rc;
}

int an_incidents_build_handle(sqlite3 *h, const struct an_incident_opts *o)
{
	struct an_zonemap *zm = NULL;
	struct inc_ctx c = { .h = h, .tally = o ? o->tally : NULL };
	int64_t span;
	int rc;

	if (sqlite3_exec(h, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	if (o && o->tally) {
		span = an_tally_span(o->tally);
		rc = ST_OK;
	} else {
		rc = inc_span_of(h, &span);
	}
	c.bucket = o && o->bucket_ns > 0 ? o->bucket_ns : an_buckets_size(span);
	c.gap = o && o->gap_ns > 0 ? o->gap_ns : AN_INC_GAP_BUCKETS * c.bucket;
	if (!(o && o->gap_ns > 0) && c.gap < AN_INC_GAP_MIN_NS)
		c.gap = AN_INC_GAP_MIN_NS;
	if (rc == ST_OK)
		rc = o && o->zones ? an_zonemap_build_learned(h, o->zones, &zm)
				   : an_zonemap_build(h, &zm);
	if (rc == ST_OK)
		rc = inc_run(&c);
	/* The work tables (an_*) stay until the next pass drops them or the
	 * connection closes: dropping them here would free every page, which
	 * took longer than most steps of the pass. */
	if (rc == ST_OK && sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = ST_EDB;
	if (rc != ST_OK)
		(void)sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	an_zonemap_free(zm);
	return rc;
}

/* TEMP twins of the tables the pass writes: the schema's incident part
 * with CREATE TEMP TABLE (generated by the Makefile). Unqualified names in
 * the pass resolve to them first, so it writes nothing to the main
 * database while another connection builds that database's indexes. */
static const char shadow_sql[] =
#include "gen/schema_incident_temp_sql.h"
	;

/* Moves the twins' rows into the main tables. Every table the schema's
 * incident part creates must be listed here: shadow_end() checks. */
static const char publish_sql[] =
	"DELETE FROM main.zones; INSERT INTO main.zones SELECT * FROM temp.zones;"
	"DELETE FROM main.endpoints; INSERT INTO main.endpoints SELECT * FROM temp.endpoints;"
	"DELETE FROM main.resolver_links;"
	" INSERT INTO main.resolver_links SELECT * FROM temp.resolver_links;"
	"DELETE FROM main.resolver_buckets;"
	" INSERT INTO main.resolver_buckets SELECT * FROM temp.resolver_buckets;"
	"DELETE FROM main.sig_buckets; INSERT INTO main.sig_buckets SELECT * FROM temp.sig_buckets;"
	"DELETE FROM main.nta_events; INSERT INTO main.nta_events SELECT * FROM temp.nta_events;"
	"DELETE FROM main.resolver_claims;"
	" INSERT INTO main.resolver_claims SELECT * FROM temp.resolver_claims;"
	"DELETE FROM main.incidents; INSERT INTO main.incidents SELECT * FROM temp.incidents;"
	"DELETE FROM main.incident_evidence;"
	" INSERT INTO main.incident_evidence SELECT * FROM temp.incident_evidence;"
	"DELETE FROM main.incident_names;"
	" INSERT INTO main.incident_names SELECT * FROM temp.incident_names;"
	"DELETE FROM main.resolver_answers;"
	" INSERT INTO main.resolver_answers SELECT * FROM temp.resolver_answers;";

static const char drop_shadow_sql[] =
	"DROP TABLE IF EXISTS temp.zones; DROP TABLE IF EXISTS temp.endpoints;"
	"DROP TABLE IF EXISTS temp.resolver_links; DROP TABLE IF EXISTS temp.resolver_buckets;"
	"DROP TABLE IF EXISTS temp.sig_buckets; DROP TABLE IF EXISTS temp.nta_events;"
	"DROP TABLE IF EXISTS temp.resolver_claims; DROP TABLE IF EXISTS temp.incidents;"
	"DROP TABLE IF EXISTS temp.incident_evidence; DROP TABLE IF EXISTS temp.incident_names;"
	"DROP TABLE IF EXISTS temp.resolver_answers;";

/* Publishes the twins (if publish) and drops them. ST_EDB also when the
 * schema gained an incident table publish_sql does not move. */
static int shadow_end(sqlite3 *h, int publish)
{
	sqlite3_stmt *st = NULL;
	int rc = ST_OK;

	if (publish && (sqlite3_exec(h, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
			sqlite3_exec(h, publish_sql, NULL, NULL, NULL) != SQLITE_OK))
		rc = ST_EDB;
	if (sqlite3_exec(h, drop_shadow_sql, NULL, NULL, NULL) != SQLITE_OK)
		rc = ST_EDB;
	/* what is left in temp besides the pass's work tables (an_*) */
	if (sqlite3_prepare_v2(h, "SELECT count(*) FROM temp.sqlite_master WHERE type = 'table'"
			       " AND name NOT LIKE 'an\\_%' ESCAPE '\\'", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 0)
		rc = ST_EDB;
	sqlite3_finalize(st);
	if (publish) {
		if (rc == ST_OK && sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			rc = ST_EDB;
		if (rc != ST_OK)
			(void)sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

int an_incidents_build_final(struct an_db *db, const struct an_incident_opts *o)
{
	sqlite3 *h = an_db_handle(db);
	int rc = sqlite3_exec(h, shadow_sql, NULL, NULL, NULL) == SQLITE_OK ? ST_OK : ST_EDB;

	if (rc == ST_OK)
		rc = an_db_index_start(db);
	if (rc == ST_OK)
		rc = an_incidents_build_handle(h, o);
	int wait_rc = an_db_index_wait(db);
	if (rc == ST_OK)
		rc = wait_rc;
	int end_rc = shadow_end(h, rc == ST_OK);
	return rc == ST_OK ? end_rc : rc;
}

int an_incidents_build(struct an_db *db, const struct an_incident_opts *o)
{
	int rc = an_db_maybe_commit(db, 1);

	if (rc != ST_OK)
		return rc;
	return an_incidents_build_handle(an_db_handle(db), o);
}
