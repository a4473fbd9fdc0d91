/* report/keys.c -- the key history section: per zone, the key tags
 * published (keys) against the key tags seen signing (signatures), with
 * collisions and recovered unpublished keys marked; the recovered keys;
 * and per key tag and server how many signatures verified and failed,
 * the table that shows a fault present on some servers only. */
#include <sqlite3.h>
#include <string.h>
#include "decode/names.h"
#include "report/model.h"
#include "report/out.h"

#define KEY_ROWS 500

static void time_cell(FILE *f, int64_t ts)
{
	char t[64];
	rep_fmt_date(t, sizeof(t), ts);
	fprintf(f, "<td>%s</td>", t);
}

static void more_rows(FILE *f, int64_t total, int shown, int cols)
{
	if (total > shown)
		fprintf(f, "<tfoot><tr><td colspan=\"%d\">%lld more rows not shown</td></tr></tfoot>", cols,
			(long long)(total - shown));
}

/* One row per (zone, tag, algorithm) found in any of the three tables. */
static void history(struct rep_model *m)
{
	sqlite3_stmt *s = rep_sql(m,
		"SELECT zone, tag, algorithm, sum(pub), sum(ksk), sum(sigs), sum(uses), sum(valid), sum(rec),"
		" max(coll), min(f), max(l) FROM ("
		" SELECT zone, tag, algorithm, 1 AS pub, flags & 1 AS ksk, 0 AS sigs, 0 AS uses, 0 AS valid,"
		"  0 AS rec, tag_collision AS coll, first_ts_ns AS f, last_ts_ns AS l FROM keys"
		" UNION ALL SELECT zone, key_tag, algorithm, 0, 0, 1, uses, valid, 0, 0, first_ts_ns, last_ts_ns"
		"  FROM signatures"
		" UNION ALL SELECT zone, signature_tag, algorithm, 0, 0, 0, 0, 0, 1, 0, first_ts_ns, last_ts_ns"
		"  FROM recovered_keys)"
		" GROUP BY zone, tag, algorithm ORDER BY zone, tag, algorithm LIMIT ?1");
	if (!s)
		return;
	sqlite3_bind_int(s, 1, KEY_ROWS);
	fputs("<h3>Key tags published and key tags seen signing</h3>\n<table class=\"sort\" id=\"t-keys\">"
	      "<thead><tr><th>Zone</th><th class=\"n\">Key tag</th><th>Algorithm</th>"
	      "<th class=\"n\">Published keys</th><th class=\"n\">Signatures</th><th class=\"n\">Checks valid</th>"
	      "<th class=\"n\">Checks failed</th><th class=\"n\">Unpublished keys recovered</th>"
	      "<th>Status</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>\n", m->f);
	int rows = 0;
	while (rep_row(m, s)) {
		int64_t pub = sqlite3_column_int64(s, 3), ksk = sqlite3_column_int64(s, 4);
		int64_t sigs = sqlite3_column_int64(s, 5), uses = sqlite3_column_int64(s, 6);
		int64_t valid = sqlite3_column_int64(s, 7), rec = sqlite3_column_int64(s, 8);
		int coll = sqlite3_column_int(s, 9) != 0, bad = uses > valid || rec || coll;
		char alg[32];
		fprintf(m->f, "<tr%s><td class=\"mono\">", bad ? " class=\"bad\"" : "");
		rep_out_text(m->f, rep_col(s, 0));
		fprintf(m->f, "</td><td class=\"n\">%d</td><td>%d %s</td><td class=\"n\">%lld%s</td>"
			"<td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
			"<td class=\"n\">%lld</td><td>", sqlite3_column_int(s, 1), sqlite3_column_int(s, 2),
			dec_algorithm_name((uint8_t)sqlite3_column_int(s, 2), alg, sizeof(alg)),
			(long long)pub, pub ? (ksk ? (ksk == pub ? " KSK" : " KSK+ZSK") : " ZSK") : "",
			(long long)sigs, (long long)valid, (long long)(uses - valid), (long long)rec);
		if (pub && sigs)
			fputs("<span class=\"badge b-ok\">published, signing</span>", m->f);
		else if (pub)
			fputs("<span class=\"badge b-info\">published, not seen signing</span>", m->f);
		else if (sigs)
			fputs("<span class=\"badge b-bad\">signing, not published</span>", m->f);
		if (coll)
			fputs("<span class=\"badge b-bad\">tag collision</span>", m->f);
		if (rec)
			fputs("<span class=\"badge b-bad\">unpublished key recovered</span>", m->f);
		if (uses > valid && !rec)
			fputs("<span class=\"badge b-warn\">failures</span>", m->f);
		fputs("</td>", m->f);
		time_cell(m->f, sqlite3_column_int64(s, 10));
		time_cell(m->f, sqlite3_column_int64(s, 11));
		fputs("</tr>\n", m->f);
		rows++;
	}
	sqlite3_finalize(s);
	fputs("</tbody>", m->f);
	if (rows == KEY_ROWS)
		fputs("<tfoot><tr><td colspan=\"11\">Only the first rows are shown.</td></tr></tfoot>", m->f);
	if (rows == 0)
		fputs("<tfoot><tr><td colspan=\"11\">No DNSKEY and no RRSIG in the capture.</td></tr></tfoot>", m->f);
	fputs("</table>\n", m->f);
}

static void recovered(struct rep_model *m)
{
	int64_t total = rep_scalar(m, "SELECT count(*) FROM recovered_keys");
	fputs("<h3>Unpublished keys recovered from failing signatures</h3>\n", m->f);
	if (total == 0) {
		fputs("<p>None: no failing ECDSA signature pointed to a key the zone did not publish"
		      " (recovery needs algorithm 13 or 14 and two failing signatures by the same key).</p>\n", m->f);
		return;
	}
	sqlite3_stmt *s = rep_sql(m, "SELECT zone, algorithm, signature_tag, tag_zsk, tag_ksk, fingerprint,"
				  " signatures, first_ts_ns, last_ts_ns FROM recovered_keys"
				  " ORDER BY zone, signature_tag, signatures DESC, fingerprint LIMIT ?1");
	if (!s)
		return;
	sqlite3_bind_int(s, 1, REP_ROWS);
	fputs("<table class=\"sort\" id=\"t-recovered\"><thead><tr><th>Zone</th><th>Algorithm</th>"
	      "<th class=\"n\">Tag on the signatures</th><th class=\"n\">Its tag as ZSK / KSK</th>"
	      "<th>Fingerprint (SHA-256 of the DNSKEY RDATA as ZSK)</th><th class=\"n\">Failing signatures</th>"
	      "<th>First</th><th>Last</th></tr></thead><tbody>\n", m->f);
	int rows = 0;
	while (rep_row(m, s)) {
		fputs("<tr class=\"bad\"><td class=\"mono\">", m->f);
		rep_out_text(m->f, rep_col(s, 0));
		fprintf(m->f, "</td><td>%d</td><td class=\"n\">%d</td><td class=\"n\">%d / %d</td><td class=\"mono\">",
			sqlite3_column_int(s, 1), sqlite3_column_int(s, 2), sqlite3_column_int(s, 3),
			sqlite3_column_int(s, 4));
		rep_out_text(m->f, rep_col(s, 5));
		fprintf(m->f, "</td><td class=\"n\">%lld</td>", (long long)sqlite3_column_int64(s, 6));
		time_cell(m->f, sqlite3_column_int64(s, 7));
		time_cell(m->f, sqlite3_column_int64(s, 8));
		fputs("</tr>\n", m->f);
		rows++;
	}
	sqlite3_finalize(s);
	fputs("</tbody>", m->f);
	more_rows(m->f, total, rows, 8);
	fputs("</table>\n", m->f);
}

/* Per zone, key tag and server: verified and failed checks. Zones with
 * failures come first; a server whose column stays at 0 failed while
 * others fail is the signature of a fault on some servers only. */
static void per_server(struct rep_model *m)
{
	sqlite3_stmt *s = rep_sql(m,
		"SELECT s.zone, s.key_tag, s.algorithm, c.server, sum(c.verdict = 'valid'),"
		" sum(c." REP_FAILED_SQL "), count(*), group_concat(DISTINCT CASE WHEN c." REP_FAILED_SQL
		" THEN c.reason END)"
		" FROM sig_checks c JOIN signatures s ON s.id = c.signature_id"
		" GROUP BY 1, 2, 3, 4"
		" ORDER BY (SELECT count(*) FROM signatures z WHERE z.zone = s.zone AND z.valid < z.uses) = 0,"
		" 1, 2, 3, 4 LIMIT ?1");
	if (!s)
		return;
	sqlite3_bind_int(s, 1, KEY_ROWS);
	fputs("<h3>Signatures per key tag and server</h3>\n<p>Each row counts the RRSIG checks of one key tag"
	      " in answers from one server. A fault present on some servers only shows as failures on"
	      " some rows of a key tag and none on others.</p>\n<table class=\"sort\" id=\"t-servers\">"
	      "<thead><tr><th>Zone</th><th class=\"n\">Key tag</th><th class=\"n\">Algorithm</th>"
	      "<th>Server</th><th class=\"n\">Valid</th><th class=\"n\">Failed</th><th class=\"n\">Failed %</th>"
	      "<th>Reasons</th></tr></thead><tbody>\n", m->f);
	int rows = 0;
	while (rep_row(m, s)) {
		int64_t ok = sqlite3_column_int64(s, 4), bad = sqlite3_column_int64(s, 5);
		int64_t all = sqlite3_column_int64(s, 6);
		fprintf(m->f, "<tr class=\"%s\"><td class=\"mono\">", bad ? "bad" : "good");
		rep_out_text(m->f, rep_col(s, 0));
		fprintf(m->f, "</td><td class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"mono\">",
			sqlite3_column_int(s, 1), sqlite3_column_int(s, 2));
		rep_out_text(m->f, rep_col(s, 3));
		fprintf(m->f, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%.1f</td><td>",
			(long long)ok, (long long)bad, all ? 100.0 * (double)bad / (double)all : 0.0);
		rep_out_text(m->f, rep_col(s, 7));
		fputs("</td></tr>\n", m->f);
		rows++;
	}
	sqlite3_finalize(s);
	fputs("</tbody>", m->f);
	if (rows == 0)
		fputs("<tfoot><tr><td colspan=\"8\">No RRSIG was checked.</td></tr></tfoot>", m->f);
	else if (rows == KEY_ROWS)
		fputs("<tfoot><tr><td colspan=\"8\">Only the first rows are shown.</td></tr></tfoot>", m->f);
	fputs("</table>\n", m->f);
}

void rep_keys_write(struct rep_model *m)
{
	fputs("<section id=\"keys\">\n<h2>Key history</h2>\n", m->f);
	history(m);
	recovered(m);
	per_server(m);
	fputs("</section>\n", m->f);
}
