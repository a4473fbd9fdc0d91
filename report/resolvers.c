/* report/resolvers.c -- the resolver behaviour section. A resolver is an
 * address that sent responses with RA set to queries with RD (model.h).
 * Per resolver: answers, SERVFAILs, AD share, EDE codes sent. Then each
 * EDE code a resolver sent set against the reasons sigtrail found for
 * the RRSIG checks that failed in the same time buckets. */
#include <sqlite3.h>
#include "decode/names.h"
#include "report/model.h"
#include "report/out.h"

#define REASONS_SHOWN 4

static void ede_list(struct rep_model *m, const char *addr)
{
	sqlite3_stmt *s = rep_sql(m, "SELECT e.code, count(*) FROM ede e JOIN messages r ON r.id = e.message_id"
				  " WHERE r.src_addr = ?1 AND r." REP_RESOLVER_SQL " GROUP BY 1 ORDER BY 2 DESC, 1");
	if (!s)
		return;
	sqlite3_bind_text(s, 1, addr, -1, SQLITE_TRANSIENT);
	int any = 0;
	while (rep_row(m, s)) {
		const char *name = dec_ede_name((uint16_t)sqlite3_column_int(s, 0));
		fprintf(m->f, "%s%d %s &times;%lld", any ? "<br>" : "", sqlite3_column_int(s, 0),
			name ? name : "(unassigned)", (long long)sqlite3_column_int64(s, 1));
		any = 1;
	}
	sqlite3_finalize(s);
	if (!any)
		fputs("<span class=\"muted\">none</span>", m->f);
}

static void per_resolver(struct rep_model *m)
{
	sqlite3_stmt *s = rep_sql(m,
		"SELECT r.src_addr, count(*), sum(r.rcode = 2), sum(r.rcode IN (0, 3)),"
		" sum(r.ad = 1 AND r.rcode IN (0, 3)),"
		" sum(r.rcode = 2 AND NOT EXISTS (SELECT 1 FROM ede e WHERE e.message_id = r.id))"
		" FROM messages r WHERE r." REP_RESOLVER_SQL " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?1");
	if (!s)
		return;
	sqlite3_bind_int(s, 1, REP_ROWS);
	fputs("<h3>Per resolver</h3>\n<table class=\"sort\" id=\"t-resolvers\"><thead><tr><th>Resolver</th>"
	      "<th class=\"n\">Answers</th><th class=\"n\">SERVFAIL</th><th class=\"n\">SERVFAIL %</th>"
	      "<th class=\"n\">SERVFAIL without EDE</th><th class=\"n\">AD %</th><th>EDE codes sent</th>"
	      "</tr></thead><tbody>\n", m->f);
	int rows = 0;
	while (rep_row(m, s)) {
		char addr[64];
		snprintf(addr, sizeof(addr), "%s", rep_col(s, 0));
		int64_t all = sqlite3_column_int64(s, 1), sf = sqlite3_column_int64(s, 2);
		int64_t ok = sqlite3_column_int64(s, 3), ad = sqlite3_column_int64(s, 4);
		fprintf(m->f, "<tr%s><td class=\"mono\">", sf ? " class=\"bad\"" : "");
		rep_out_text(m->f, addr);
		fprintf(m->f, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%.1f</td>"
			"<td class=\"n\">%lld</td><td class=\"n\">%.1f</td><td>", (long long)all, (long long)sf,
			all ? 100.0 * (double)sf / (double)all : 0.0, (long long)sqlite3_column_int64(s, 5),
			ok ? 100.0 * (double)ad / (double)ok : 0.0);
		ede_list(m, addr);
		fputs("</td></tr>\n", m->f);
		rows++;
	}
	sqlite3_finalize(s);
	fputs("</tbody>", m->f);
	if (!rows)
		fputs("<tfoot><tr><td colspan=\"7\">No resolver answers in the capture (responses with RA set"
		      " to queries with RD).</td></tr></tfoot>", m->f);
	fputs("</table>\n", m->f);
}

/* The reasons of failing checks in the buckets where this resolver sent
 * this EDE code; returns 1 if one of them maps to the same EDE code, 0 if
 * none does, -1 if no check failed in those buckets. */
static int reasons(struct rep_model *m, const char *addr, int code)
{
	sqlite3_stmt *s = rep_sql(m,
		"SELECT c.reason, c.ede, count(*) FROM sig_checks c WHERE c." REP_FAILED_SQL
		" AND c.ts_ns BETWEEN ?3 AND ?4 AND (c.ts_ns - ?1) / ?2 IN (SELECT (r.ts_ns - ?1) / ?2 FROM ede e"
		" JOIN messages r ON r.id = e.message_id WHERE r.src_addr = ?5 AND e.code = ?6 AND r."
		REP_RESOLVER_SQL ") GROUP BY 1, 2 ORDER BY 3 DESC, 1");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, m->t0);
	sqlite3_bind_int64(s, 2, m->bucket_ns);
	sqlite3_bind_int64(s, 3, m->t_first);
	sqlite3_bind_int64(s, 4, m->t_last);
	sqlite3_bind_text(s, 5, addr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 6, code);
	int n = 0, agree = 0;
	while (rep_row(m, s)) {
		int ede = sqlite3_column_int(s, 1);
		agree |= sqlite3_column_type(s, 1) != SQLITE_NULL && ede == code;
		if (n++ >= REASONS_SHOWN)
			continue;
		fputs(n > 1 ? "<br>" : "", m->f);
		rep_out_text(m->f, rep_col(s, 0));
		fprintf(m->f, " (EDE %d) &times;%lld", ede, (long long)sqlite3_column_int64(s, 2));
	}
	sqlite3_finalize(s);
	if (n > REASONS_SHOWN)
		fprintf(m->f, "<br>%d more", n - REASONS_SHOWN);
	if (!n)
		fputs("<span class=\"muted\">no failing check in those buckets</span>", m->f);
	return n ? agree : -1;
}

static void ede_vs_reason(struct rep_model *m)
{
	sqlite3_stmt *s = rep_sql(m,
		"SELECT r.src_addr, e.code, count(*), sum(r.rcode = 2), max(e.text) FROM ede e"
		" JOIN messages r ON r.id = e.message_id WHERE r." REP_RESOLVER_SQL
		" GROUP BY 1, 2 ORDER BY 1, 2 LIMIT ?1");
	if (!s)
		return;
	sqlite3_bind_int(s, 1, REP_ROWS);
	fputs("<h3>EDE sent versus the reason sigtrail found</h3>\n<p>For each EDE code a resolver sent:"
	      " the reasons sigtrail gave for the RRSIG checks that failed in the same time buckets, and the"
	      " EDE a validator should send for them (RFC 8914).</p>\n<table class=\"sort\" id=\"t-ede\">"
	      "<thead><tr><th>Resolver</th><th>EDE sent</th><th class=\"n\">Answers</th>"
	      "<th class=\"n\">of which SERVFAIL</th><th>Example EXTRA-TEXT</th>"
	      "<th>sigtrail: failing checks in the same buckets</th><th>Agreement</th></tr></thead><tbody>\n", m->f);
	int rows = 0;
	while (rep_row(m, s)) {
		char addr[64];
		snprintf(addr, sizeof(addr), "%s", rep_col(s, 0));
		int code = sqlite3_column_int(s, 1);
		const char *name = dec_ede_name((uint16_t)code);
		fputs("<tr><td class=\"mono\">", m->f);
		rep_out_text(m->f, addr);
		fprintf(m->f, "</td><td>%d %s</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"mono\">",
			code, name ? name : "(unassigned)", (long long)sqlite3_column_int64(s, 2),
			(long long)sqlite3_column_int64(s, 3));
		rep_out_text(m->f, rep_col(s, 4));
		fputs("</td><td>", m->f);
		int agree = reasons(m, addr, code);
		fprintf(m->f, "</td><td>%s</td></tr>\n", agree > 0 ? "<span class=\"badge b-ok\">same code</span>"
			: agree == 0 ? "<span class=\"badge b-warn\">different code</span>" : "&ndash;");
		rows++;
	}
	sqlite3_finalize(s);
	fputs("</tbody>", m->f);
	if (!rows)
		fputs("<tfoot><tr><td colspan=\"7\">No resolver sent an EDE option.</td></tr></tfoot>", m->f);
	fputs("</table>\n", m->f);
}

void rep_resolvers_write(struct rep_model *m)
{
	fputs("<section id=\"resolvers\">\n<h2>Resolver behaviour</h2>\n", m->f);
	per_resolver(m);
	ede_vs_reason(m);
	fputs("</section>\n", m->f);
}
