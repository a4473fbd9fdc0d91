/* report/names.c -- the affected names and zones section: zones whose
 * signatures failed, the owner names of failing signatures, and the
 * names resolvers answered SERVFAIL for, with those that had no failing
 * signature of their own marked as collateral (an unsigned child behind
 * a bogus denial proof, a name below a failing zone cut). */
#include <sqlite3.h>
#include "decode/names.h"
#include "report/model.h"
#include "report/out.h"

static void span_cells(FILE *f, int64_t a, int64_t b)
{
	char ta[32], tb[32];
	rep_fmt_clock(ta, sizeof(ta), a, 0);
	rep_fmt_clock(tb, sizeof(tb), b, 0);
	fprintf(f, "<td>%s</td><td>%s</td>", ta, tb);
}

static void more(FILE *f, int64_t total, int shown, int cols, const char *what)
{
	if (total > shown)
		fprintf(f, "<tfoot><tr><td colspan=\"%d\">%lld more %s not shown</td></tr></tfoot>",
			cols, (long long)(total - shown), what);
}

static void zones(struct rep_model *m)
{
	sqlite3_stmt *s = rep_sql(m,
		"SELECT s.zone, count(DISTINCT s.id), count(DISTINCT s.owner), count(*), min(c.ts_ns), max(c.ts_ns),"
		" (SELECT count(DISTINCT lower(r.qname)) FROM messages r WHERE r." REP_RESOLVER_SQL
		"  AND r.rcode = 2 AND (s.zone = '.' OR lower(r.qname) = s.zone"
		"  OR substr(lower(r.qname), -length(s.zone) - 1) = '.' || s.zone))"
		" FROM sig_checks c JOIN signatures s ON s.id = c.signature_id WHERE c." REP_FAILED_SQL
		" GROUP BY 1 ORDER BY 4 DESC, 1 LIMIT ?1");
	if (!s)
		return;
	sqlite3_bind_int(s, 1, REP_ROWS);
	fputs("<h3>Zones with failing signatures</h3>\n<table class=\"sort\" id=\"t-zones\"><thead><tr>"
	      "<th>Zone (signer)</th><th class=\"n\">Failing signatures</th><th class=\"n\">Owner names</th>"
	      "<th class=\"n\">Failed checks</th><th class=\"n\">Names answered SERVFAIL at or below it</th>"
	      "<th>First failure</th><th>Last failure</th></tr></thead><tbody>\n", m->f);
	int rows = 0;
	while (rep_row(m, s)) {
		fputs("<tr class=\"bad\"><td class=\"mono\">", m->f);
		rep_out_text(m->f, rep_col(s, 0));
		fprintf(m->f, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
			"<td class=\"n\">%lld</td>", (long long)sqlite3_column_int64(s, 1),
			(long long)sqlite3_column_int64(s, 2), (long long)sqlite3_column_int64(s, 3),
			(long long)sqlite3_column_int64(s, 6));
		span_cells(m->f, sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 5));
		fputs("</tr>\n", m->f);
		rows++;
	}
	sqlite3_finalize(s);
	fputs("</tbody>", m->f);
	if (!rows)
		fputs("<tfoot><tr><td colspan=\"7\">No signature failed.</td></tr></tfoot>", m->f);
	fputs("</table>\n", m->f);
}

static void owners(struct rep_model *m)
{
	int64_t total = rep_scalar(m, "SELECT count(*) FROM (SELECT 1 FROM sig_checks c JOIN signatures s"
				   " ON s.id = c.signature_id WHERE c." REP_FAILED_SQL " GROUP BY s.owner, s.type_covered)");
	sqlite3_stmt *s = rep_sql(m,
		"SELECT s.owner, s.type_covered, s.zone, count(*), count(DISTINCT c.server), min(c.ts_ns),"
		" max(c.ts_ns), group_concat(DISTINCT c.reason)"
		" FROM sig_checks c JOIN signatures s ON s.id = c.signature_id WHERE c." REP_FAILED_SQL
		" GROUP BY 1, 2 ORDER BY 4 DESC, 1, 2 LIMIT ?1");
	if (!s)
		return;
	sqlite3_bind_int(s, 1, REP_ROWS);
	fprintf(m->f, "<h3>Owner names of failing signatures (<span id=\"n-owners\">%lld</span>)</h3>\n"
		"<table class=\"sort\" id=\"t-owners\"><thead><tr><th>Owner</th><th>Type covered</th>"
		"<th>Zone</th><th class=\"n\">Failed checks</th><th class=\"n\">Servers</th><th>Reasons</th>"
		"<th>First</th><th>Last</th></tr></thead><tbody>\n", (long long)total);
	int rows = 0;
	while (rep_row(m, s)) {
		char type[16];
		fputs("<tr><td class=\"mono\">", m->f);
		rep_out_text(m->f, rep_col(s, 0));
		fprintf(m->f, "</td><td>%s</td><td class=\"mono\">",
			dec_type_name((uint16_t)sqlite3_column_int(s, 1), type, sizeof(type)));
		rep_out_text(m->f, rep_col(s, 2));
		fprintf(m->f, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td>",
			(long long)sqlite3_column_int64(s, 3), (long long)sqlite3_column_int64(s, 4));
		rep_out_text(m->f, rep_col(s, 7));
		fputs("</td>", m->f);
		span_cells(m->f, sqlite3_column_int64(s, 5), sqlite3_column_int64(s, 6));
		fputs("</tr>\n", m->f);
		rows++;
	}
	sqlite3_finalize(s);
	fputs("</tbody>", m->f);
	more(m->f, total, rows, 8, "owner names");
	fputs("</table>\n", m->f);
}

static void servfail_names(struct rep_model *m)
{
	int64_t total = rep_scalar(m, "SELECT count(*) FROM (SELECT 1 FROM messages WHERE " REP_RESOLVER_SQL
				   " AND rcode = 2 GROUP BY lower(qname), qtype)");
	sqlite3_stmt *s = rep_sql(m,
		"SELECT min(r.qname), r.qtype, count(*), count(DISTINCT r.src_addr), min(r.ts_ns), max(r.ts_ns),"
		" (SELECT count(*) FROM signatures s WHERE s.owner = lower(r.qname) AND s.valid < s.uses)"
		" FROM messages r WHERE r." REP_RESOLVER_SQL " AND r.rcode = 2"
		" GROUP BY lower(r.qname), 2 ORDER BY 3 DESC, lower(r.qname), 2 LIMIT ?1");
	if (!s)
		return;
	sqlite3_bind_int(s, 1, REP_ROWS);
	fprintf(m->f, "<h3>Names resolvers answered SERVFAIL for (<span id=\"n-servfail-names\">%lld</span>)</h3>\n"
		"<p>A name without a failing signature of its own is <i>collateral</i>: it failed because of"
		" a signature elsewhere (a bogus denial-of-existence proof for an unsigned child, a bogus"
		" zone cut above it).</p>\n"
		"<table class=\"sort\" id=\"t-servfail\"><thead><tr><th>Name</th><th>Type</th>"
		"<th class=\"n\">SERVFAILs</th><th class=\"n\">Resolvers</th><th>Own signatures</th>"
		"<th>First</th><th>Last</th></tr></thead><tbody>\n", (long long)total);
	int rows = 0;
	while (rep_row(m, s)) {
		char type[16];
		fputs("<tr><td class=\"mono\">", m->f);
		rep_out_text(m->f, rep_col(s, 0));
		fprintf(m->f, "</td><td>%s</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td>%s</td>",
			dec_type_name((uint16_t)sqlite3_column_int(s, 1), type, sizeof(type)),
			(long long)sqlite3_column_int64(s, 2), (long long)sqlite3_column_int64(s, 3),
			sqlite3_column_int64(s, 6) ? "<span class=\"badge b-bad\">failing</span>"
			: "<span class=\"badge b-warn\">collateral</span>");
		span_cells(m->f, sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 5));
		fputs("</tr>\n", m->f);
		rows++;
	}
	sqlite3_finalize(s);
	fputs("</tbody>", m->f);
	if (!rows)
		fputs("<tfoot><tr><td colspan=\"7\">No resolver answered SERVFAIL.</td></tr></tfoot>", m->f);
	more(m->f, total, rows, 7, "names");
	fputs("</table>\n", m->f);
}

void rep_names_write(struct rep_model *m)
{
	fputs("<section id=\"names\">\n<h2>Affected names and zones</h2>\n", m->f);
	zones(m);
	owners(m);
	servfail_names(m);
	fputs("</section>\n", m->f);
}
