/* report/headline.c -- the report's first section: one paragraph saying
 * what happened, when, the impact and the root cause, generated from the
 * database; then the failure windows and the phases of the incident on a
 * UTC timeline, each with the frame that shows it. */
#include <sqlite3.h>
#include <string.h>
#include "decode/names.h"
#include "report/model.h"
#include "report/out.h"

#define ZONE_MAX 1100       /* an escaped name fits: 255 bytes as \DDD */
#define LIST_SERVERS 4      /* addresses named in the paragraph */
#define LIST_EDE 5          /* EDE codes named in the paragraph */

struct zone_fail {
	char zone[ZONE_MAX];
	int64_t failed, checks;   /* in the zone, between first and last failure */
	int64_t other_failed;     /* failures in other zones */
	int other_zones;
};

static void worst_zone(struct rep_model *m, struct zone_fail *z)
{
	sqlite3_stmt *s = rep_sql(m, "SELECT s.zone, count(*) FROM sig_checks c"
				  " JOIN signatures s ON s.id = c.signature_id WHERE c." REP_FAILED_SQL
				  " GROUP BY 1 ORDER BY 2 DESC, 1");
	int i = 0;
	while (rep_row(m, s)) {
		if (i++ == 0) {
			snprintf(z->zone, sizeof(z->zone), "%s", rep_col(s, 0));
		} else {
			z->other_zones++;
			z->other_failed += sqlite3_column_int64(s, 1);
		}
	}
	sqlite3_finalize(s);
	s = rep_sql(m, "SELECT count(*), sum(c." REP_FAILED_SQL ") FROM sig_checks c"
		    " JOIN signatures s ON s.id = c.signature_id WHERE s.zone = ?1 AND c.ts_ns BETWEEN ?2 AND ?3");
	if (!s)
		return;
	sqlite3_bind_text(s, 1, z->zone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, m->ph[REP_PH_FIRST_BOGUS].ts_ns);
	sqlite3_bind_int64(s, 3, m->ph[REP_PH_LAST_FAILURE].ts_ns);
	if (rep_row(m, s)) {
		z->checks = sqlite3_column_int64(s, 0);
		z->failed = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
}

static void when(struct rep_model *m, int64_t a, int64_t b)
{
	char ta[32], tb[32], day[40], dur[32];
	rep_fmt_clock(ta, sizeof(ta), a, 0);
	rep_fmt_clock(tb, sizeof(tb), b, 0);
	rep_fmt_date(day, sizeof(day), a);
	day[10] = '\0';
	rep_fmt_dur(dur, sizeof(dur), b - a);
	if (a == b)
		fprintf(m->f, "At <b id=\"h-start\">%s</b> on %s", ta, day);
	else
		fprintf(m->f, "Between <b id=\"h-start\">%s</b> and <b id=\"h-end\">%s</b> on %s (%s)",
			ta, tb, day, dur);
}

static void root_cause(struct rep_model *m, const char *zone)
{
	sqlite3_stmt *s = rep_sql(m, "SELECT r.signature_tag, r.algorithm, count(*), sum(r.signatures),"
				  " (SELECT count(*) FROM keys k WHERE k.zone = r.zone AND k.tag = r.signature_tag"
				  " AND k.algorithm = r.algorithm) FROM recovered_keys r WHERE r.zone = ?1"
				  " GROUP BY 1, 2 ORDER BY 4 DESC LIMIT 1");
	if (!s)
		return;
	sqlite3_bind_text(s, 1, zone, -1, SQLITE_TRANSIENT);
	char alg[32];
	if (rep_row(m, s)) {
		fprintf(m->f, ": signed by <b id=\"h-unpublished\">%lld</b> unpublished key%s with key tag"
			" <b id=\"h-tag\">%d</b> (algorithm %d, %s), recovered from %lld distinct failing"
			" signatures; the zone published %lld key%s with that tag",
			(long long)sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 2) == 1 ? "" : "s",
			sqlite3_column_int(s, 0), sqlite3_column_int(s, 1),
			dec_algorithm_name((uint8_t)sqlite3_column_int(s, 1), alg, sizeof(alg)),
			(long long)sqlite3_column_int64(s, 3), (long long)sqlite3_column_int64(s, 4),
			sqlite3_column_int64(s, 4) == 1 ? "" : "s");
		sqlite3_finalize(s);
		return;
	}
	sqlite3_finalize(s);
	s = rep_sql(m, "SELECT c.reason, c.ede, s.key_tag, s.algorithm, count(*) FROM sig_checks c"
		    " JOIN signatures s ON s.id = c.signature_id WHERE s.zone = ?1 AND c." REP_FAILED_SQL
		    " GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC LIMIT 1");
	if (!s)
		return;
	sqlite3_bind_text(s, 1, zone, -1, SQLITE_TRANSIENT);
	if (rep_row(m, s)) {
		fputs(": most failures were <b>", m->f);
		rep_out_text(m->f, rep_col(s, 0));
		fprintf(m->f, "</b> (EDE a validator gives: %d) on signatures with key tag"
			" <b id=\"h-tag\">%d</b> (algorithm %d, %s)", sqlite3_column_int(s, 1),
			sqlite3_column_int(s, 2), sqlite3_column_int(s, 3),
			dec_algorithm_name((uint8_t)sqlite3_column_int(s, 3), alg, sizeof(alg)));
	}
	sqlite3_finalize(s);
}

static void collision(struct rep_model *m, const char *zone)
{
	sqlite3_stmt *s = rep_sql(m, "SELECT tag, algorithm, count(*) FROM keys WHERE zone = ?1"
				  " AND tag_collision GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1");
	if (!s)
		return;
	sqlite3_bind_text(s, 1, zone, -1, SQLITE_TRANSIENT);
	if (rep_row(m, s))
		fprintf(m->f, " The zone published %lld keys sharing key tag %d (algorithm %d).",
			(long long)sqlite3_column_int64(s, 2), sqlite3_column_int(s, 0),
			sqlite3_column_int(s, 1));
	sqlite3_finalize(s);
}

/* Which servers sent the failing signatures, and which only valid ones. */
static void servers(struct rep_model *m, const char *zone)
{
	sqlite3_stmt *s = rep_sql(m, "SELECT c.server, sum(c." REP_FAILED_SQL ") FROM sig_checks c"
				  " JOIN signatures s ON s.id = c.signature_id WHERE s.zone = ?1"
				  " GROUP BY 1 ORDER BY 2 DESC, 1");
	if (!s)
		return;
	sqlite3_bind_text(s, 1, zone, -1, SQLITE_TRANSIENT);
	int nbad = 0, ngood = 0;
	char good[LIST_SERVERS][64];
	fputs(" Failing signatures came from ", m->f);
	while (rep_row(m, s)) {
		if (sqlite3_column_int64(s, 1) > 0) {
			if (nbad < LIST_SERVERS) {
				fputs(nbad ? ", " : "<span class=\"mono\">", m->f);
				rep_out_text(m->f, rep_col(s, 0));
			}
			nbad++;
		} else {
			if (ngood < LIST_SERVERS)
				snprintf(good[ngood], sizeof(good[0]), "%s", rep_col(s, 0));
			ngood++;
		}
	}
	sqlite3_finalize(s);
	fprintf(m->f, "%s%s (<b id=\"h-bad-servers\">%d</b> server%s)", nbad > LIST_SERVERS ? ", ..." : "",
		nbad ? "</span>" : "", nbad, nbad == 1 ? "" : "s");
	if (ngood) {
		fprintf(m->f, "; %d sent only valid ones: <span class=\"mono\">", ngood);
		for (int i = 0; i < ngood && i < LIST_SERVERS; i++) {
			fputs(i ? ", " : "", m->f);
			rep_out_text(m->f, good[i]);
		}
		fprintf(m->f, "%s</span>", ngood > LIST_SERVERS ? ", ..." : "");
	}
	fputs(".", m->f);
}

static void impact(struct rep_model *m)
{
	if (m->n_resolver_answers == 0) {
		fputs(" The capture holds no resolver answers (responses with RA set to queries with RD):"
		      " the impact on clients is not visible in it.", m->f);
		return;
	}
	if (m->n_servfail == 0) {
		fprintf(m->f, " No resolver answered SERVFAIL (<b id=\"h-servfail\">0</b> of %lld answers).",
			(long long)m->n_resolver_answers);
		return;
	}
	int64_t resolvers = rep_scalar(m, "SELECT count(DISTINCT src_addr) FROM messages WHERE "
				       REP_RESOLVER_SQL " AND rcode = 2");
	int64_t names = rep_scalar(m, "SELECT count(DISTINCT lower(qname)) FROM messages WHERE "
				   REP_RESOLVER_SQL " AND rcode = 2");
	fprintf(m->f, " <b id=\"h-resolvers\">%lld</b> resolver%s answered SERVFAIL to"
		" <b id=\"h-servfail\">%lld</b> of %lld queries (%.1f%%) for %lld distinct name%s",
		(long long)resolvers, resolvers == 1 ? "" : "s", (long long)m->n_servfail,
		(long long)m->n_resolver_answers, 100.0 * (double)m->n_servfail / (double)m->n_resolver_answers,
		(long long)names, names == 1 ? "" : "s");
	sqlite3_stmt *s = rep_sql(m, "SELECT e.code, count(DISTINCT e.message_id) FROM ede e JOIN messages r"
				  " ON r.id = e.message_id WHERE r." REP_RESOLVER_SQL " GROUP BY 1 ORDER BY 2 DESC, 1");
	int any = 0;
	while (rep_row(m, s)) {
		if (any++ == LIST_EDE) {
			fputs(" and other codes", m->f);
			break;
		}
		const char *name = dec_ede_name((uint16_t)sqlite3_column_int(s, 0));
		fprintf(m->f, "%sEDE %d (%s) &times;%lld", any > 1 ? ", " : "; they sent ", sqlite3_column_int(s, 0),
			name ? name : "unassigned", (long long)sqlite3_column_int64(s, 1));
	}
	sqlite3_finalize(s);
	int64_t bare = rep_scalar(m, "SELECT count(*) FROM messages r WHERE r." REP_RESOLVER_SQL
				  " AND r.rcode = 2 AND NOT EXISTS (SELECT 1 FROM ede e WHERE e.message_id = r.id)");
	fprintf(m->f, "%s; %lld SERVFAIL%s carried no EDE.", any ? "" : "; no EDE option was sent",
		(long long)bare, bare == 1 ? "" : "s");
}

static void recovery(struct rep_model *m)
{
	char t[32], d[32];
	if (m->ph[REP_PH_FIXED].set) {
		rep_fmt_clock(t, sizeof(t), m->ph[REP_PH_FIXED].ts_ns, 0);
		rep_fmt_dur(d, sizeof(d), m->ph[REP_PH_FIXED].ts_ns - m->ph[REP_PH_LAST_FAILURE].ts_ns);
		fprintf(m->f, " The first all-valid time bucket after the failures begins at <b id=\"h-fixed\">%s</b>,"
			" %s after the last failure: the fix was in place by then.", t, d);
		sqlite3_stmt *s = rep_sql(m, "SELECT max(ts_ns), count(*) FROM messages WHERE " REP_RESOLVER_SQL
					  " AND rcode = 2 AND ts_ns > ?1");
		if (!s)
			return;
		sqlite3_bind_int64(s, 1, m->ph[REP_PH_FIXED].ts_ns);
		if (rep_row(m, s) && sqlite3_column_int64(s, 1) > 0) {
			rep_fmt_clock(t, sizeof(t), sqlite3_column_int64(s, 0), 0);
			fprintf(m->f, " Resolvers still answered SERVFAIL %lld times after it, until %s"
				" (failures they had cached, or failures outside the signatures seen).",
				(long long)sqlite3_column_int64(s, 1), t);
		}
		sqlite3_finalize(s);
	} else {
		rep_fmt_clock(t, sizeof(t), m->t_last, 0);
		fprintf(m->f, " No all-valid time bucket follows the failures: the capture (until %s) ends"
			" before recovery is visible.", t);
	}
}

static void paragraph(struct rep_model *m)
{
	fputs("<p class=\"lead\" id=\"headline-text\">", m->f);
	if (m->messages == 0) {
		fputs("The database holds no DNS messages.</p>\n", m->f);
		return;
	}
	if (!m->ph[REP_PH_FIRST_BOGUS].set) {
		if (m->n_checks)
			fprintf(m->f, "No RRSIG check failed: <b id=\"h-checks\">%lld</b> checks, all valid or"
				" unsupported.", (long long)m->n_checks);
		else
			fputs("No RRSIG was checked: the capture holds no signed answers.", m->f);
		if (m->ph[REP_PH_FIRST_SERVFAIL].set) {
			fputs(" ", m->f);
			when(m, m->ph[REP_PH_FIRST_SERVFAIL].ts_ns, m->ph[REP_PH_LAST_FAILURE].ts_ns);
			fputs(", resolvers answered SERVFAIL for reasons sigtrail could not see in the"
			      " signatures of the capture.", m->f);
		}
		impact(m);
		fputs("</p>\n", m->f);
		return;
	}
	struct zone_fail z;
	memset(&z, 0, sizeof(z));
	worst_zone(m, &z);
	when(m, m->ph[REP_PH_FIRST_BOGUS].ts_ns, m->ph[REP_PH_LAST_FAILURE].ts_ns);
	fprintf(m->f, ", <b id=\"h-failed\">%lld</b> of <b id=\"h-checks\">%lld</b> RRSIG checks in <b class=\"mono\">",
		(long long)z.failed, (long long)z.checks);
	rep_out_text(m->f, z.zone);
	fputs("</b> failed", m->f);
	root_cause(m, z.zone);
	fputs(".", m->f);
	if (z.other_zones)
		fprintf(m->f, " %lld more failures were in %d other zone%s.", (long long)z.other_failed,
			z.other_zones, z.other_zones == 1 ? "" : "s");
	collision(m, z.zone);
	servers(m, z.zone);
	impact(m);
	recovery(m);
	fputs("</p>\n", m->f);
}

static void windows(struct rep_model *m)
{
	if (!m->nwin)
		return;
	char bucket[32];
	rep_fmt_dur(bucket, sizeof(bucket), m->bucket_ns);
	fprintf(m->f, "<p>Failure windows (runs of %s time buckets with %s; buckets without evidence do"
		" not end a window, two all-valid ones do):</p>\n<ul id=\"windows\">\n", bucket, m->failures_from_checks
		? "failed RRSIG checks" : "SERVFAIL answers from resolvers");
	for (int i = 0; i < m->nwin; i++) {
		char a[32], b[32], d[32];
		rep_fmt_bucket(m, a, sizeof(a), m->win[i].b0);
		rep_fmt_bucket(m, b, sizeof(b), m->win[i].b1 + 1);
		rep_fmt_dur(d, sizeof(d), (int64_t)(m->win[i].b1 + 1 - m->win[i].b0) * m->bucket_ns);
		fprintf(m->f, "<li>%s &ndash; %s (%s): %lld %s</li>\n", a, b, d, (long long)m->win[i].failed,
			m->failures_from_checks ? "failed checks" : "SERVFAILs");
	}
	fputs("</ul>\n", m->f);
}

static void phases(struct rep_model *m)
{
	fputs("<h3>Phases</h3>\n<table id=\"t-phases\"><thead><tr><th>Phase</th><th>Time (UTC)</th>", m->f);
	rep_evidence_head(m->f);
	fputs("</tr></thead><tbody>\n", m->f);
	int any = 0;
	for (int i = 0; i < REP_PH_COUNT; i++) {
		if (!m->ph[i].set)
			continue;
		char t[64];
		rep_fmt_date(t, sizeof(t), m->ph[i].ts_ns);
		fprintf(m->f, "<tr><td>%s</td><td>%s</td>", m->ph[i].name, t);
		rep_evidence_cells(m, m->ph[i].message_id);
		fputs("</tr>\n", m->f);
		any = 1;
	}
	if (!any)
		fputs("<tr><td colspan=\"5\">No failure in the data: no phases.</td></tr>\n", m->f);
	fputs("</tbody></table>\n", m->f);
}

void rep_headline_write(struct rep_model *m)
{
	fputs("<section id=\"headline\">\n<h2>Headline</h2>\n", m->f);
	paragraph(m);
	windows(m);
	phases(m);
	fputs("</section>\n", m->f);
}
