/* report/summary.c -- plain-text summary of an analysis database. */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "analyze/db.h"
#include "analyze/row_counts.h"
#include "decode/names.h"
#include "report/summary.h"
#include "util/err.h"
#include "util/escape.h"

#define TOP_NAMES 10

void rep_format_time(char *dst, size_t dstlen, long long ts_ns, long long resol_ns)
{
	long long sec = ts_ns / 1000000000, frac = ts_ns % 1000000000;
	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	time_t t = (time_t)sec;
	struct tm tm;
	char base[32] = "?";
	if (gmtime_r(&t, &tm))
		strftime(base, sizeof(base), "%Y-%m-%d %H:%M:%S", &tm);
	int digits = 9;
	for (long long r = resol_ns; r >= 10 && digits > 0; r /= 10)
		digits--;
	for (int i = digits; i < 9; i++)
		frac /= 10;
	/* The return value is checked so that gcc knows a cut is handled. */
	int n = digits ? snprintf(dst, dstlen, "%s.%0*lldZ", base, digits, frac)
		       : snprintf(dst, dstlen, "%sZ", base);
	if (n < 0 && dstlen)
		dst[0] = '\0';
}

static void format_duration(char *dst, size_t dstlen, long long ns)
{
	long long s = ns / 1000000000;
	if (s >= 3600)
		snprintf(dst, dstlen, "%lldh%02lldm%02llds", s / 3600, s / 60 % 60, s % 60);
	else if (s >= 60)
		snprintf(dst, dstlen, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(dst, dstlen, "%.3fs", (double)ns / 1e9);
}

/* Column text from an untrusted database, escaped for the terminal. */
static const char *col_text(sqlite3_stmt *s, int col, char *buf, size_t buflen)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	st_escape_printable(buf, buflen, t ? (const char *)t : "");
	return buf;
}

static long long scalar(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *s;
	long long v = 0;
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int print_captures(sqlite3 *h, FILE *out)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, "SELECT path, format, frames, status, error FROM captures ORDER BY id",
			       -1, &s, NULL) != SQLITE_OK)
		return ST_EDB;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char path[1024], fmt[32], status[32], error[600];
		col_text(s, 3, status, sizeof(status));
		fprintf(out, "capture      %s (%s, %lld frames)%s%s\n", col_text(s, 0, path, sizeof(path)),
			col_text(s, 1, fmt, sizeof(fmt)), sqlite3_column_int64(s, 2),
			strcmp(status, "ok") ? " " : "", strcmp(status, "ok") ? status : "");
		if (sqlite3_column_type(s, 4) != SQLITE_NULL)
			fprintf(out, "             %s\n", col_text(s, 4, error, sizeof(error)));
	}
	sqlite3_finalize(s);
	return ST_OK;
}

/* The rows counted by SQL: what the rows_* stats say when a database
 * lacks them (a live capture still running, a killed analysis). */
static void scan_counts(sqlite3 *h, struct an_row_counts *c)
{
	memset(c, 0, sizeof(*c));
	c->messages = scalar(h, "SELECT count(*) FROM messages");
	c->queries = scalar(h, "SELECT count(*) FROM messages WHERE qr = 0");
	c->responses = scalar(h, "SELECT count(*) FROM messages WHERE qr = 1");
	c->malformed = scalar(h, "SELECT count(*) FROM messages WHERE malformed IS NOT NULL");
	c->udp = scalar(h, "SELECT count(*) FROM messages WHERE transport = 'udp'");
	c->tcp = scalar(h, "SELECT count(*) FROM messages WHERE transport = 'tcp'");
	c->reassembled = scalar(h, "SELECT count(*) FROM messages WHERE cap_flags & 1");
	c->ts_first = scalar(h, "SELECT min(ts_ns) FROM messages");
	c->ts_last = scalar(h, "SELECT max(ts_ns) FROM messages");
	c->checks = scalar(h, "SELECT count(*) FROM sig_checks");
	c->checks_valid = scalar(h, "SELECT count(*) FROM sig_checks WHERE verdict = 'valid'");
	c->checks_bogus = scalar(h, "SELECT count(*) FROM sig_checks WHERE verdict = 'bogus'");
	c->checks_indeterminate = scalar(h, "SELECT count(*) FROM sig_checks WHERE verdict = 'indeterminate'");
	c->checks_unsupported = scalar(h, "SELECT count(*) FROM sig_checks WHERE verdict = 'unsupported'");
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, "SELECT rcode, count(*) FROM messages WHERE qr = 1 GROUP BY rcode",
			       -1, &s, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(s) == SQLITE_ROW) {
		int64_t r = sqlite3_column_int64(s, 0);
		if (r >= 0 && r < AN_ROW_RCODES)
			c->rcode[r] = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
}

/* The rows_* counts a completed analysis stored (analyze/row_counts.h),
 * else the rows counted here. SIGTRAIL_SUMMARY_SCAN=1 counts the rows
 * even when the stats are there (t_row_counts.sh compares the two). */
static void get_counts(sqlite3 *h, struct an_row_counts *c)
{
	if (getenv("SIGTRAIL_SUMMARY_SCAN") || !an_row_counts_read(h, c))
		scan_counts(h, c);
}

static void print_time_range(sqlite3 *h, const struct an_row_counts *c, FILE *out)
{
	if (c->messages <= 0)
		return;
	long long resol = scalar(h, "SELECT max(tsresol_ns) FROM captures");
	char a[64], b[64], d[32];
	rep_format_time(a, sizeof(a), c->ts_first, resol > 0 ? resol : 1000);
	rep_format_time(b, sizeof(b), c->ts_last, resol > 0 ? resol : 1000);
	format_duration(d, sizeof(d), c->ts_last - c->ts_first);
	fprintf(out, "time         %s .. %s (%s)\n", a, b, d);
}

static void print_counts(const struct an_row_counts *c, FILE *out)
{
	fprintf(out, "messages     %lld (%lld queries, %lld responses, %lld malformed)\n",
		(long long)c->messages, (long long)c->queries, (long long)c->responses,
		(long long)c->malformed);
	fprintf(out, "transports   %lld udp, %lld tcp; %lld reassembled from IP fragments\n",
		(long long)c->udp, (long long)c->tcp, (long long)c->reassembled);
}

/* Most frequent first, ties by rcode: a selection sort over the few
 * rcodes seen (AN_ROW_RCODES is 4096 slots, almost all zero). */
static void print_rcodes(const struct an_row_counts *c, FILE *out)
{
	fprintf(out, "rcodes      ");
	int any = 0, last_r = -1;
	int64_t last_n = INT64_MAX;
	for (;;) {
		int best = -1;
		for (int r = 0; r < AN_ROW_RCODES; r++) {
			int64_t n = c->rcode[r];
			if (n <= 0 || n > last_n || (n == last_n && r <= last_r))
				continue;
			if (best < 0 || n > c->rcode[best])
				best = r;
		}
		if (best < 0)
			break;
		char buf[16];
		fprintf(out, "%s %s %lld", any ? "," : "",
			dec_rcode_name((uint16_t)best, buf, sizeof(buf)), (long long)c->rcode[best]);
		any = 1;
		last_n = c->rcode[best];
		last_r = best;
	}
	fprintf(out, "%s\n", any ? "" : " (no responses)");
}

static void print_ede(sqlite3 *h, FILE *out)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, "SELECT code, count(*), max(text) FROM ede GROUP BY code"
			       " ORDER BY count(*) DESC", -1, &s, NULL) != SQLITE_OK)
		return;
	int any = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		int code = sqlite3_column_int(s, 0);
		const char *name = dec_ede_name((uint16_t)code);
		char text[200];
		col_text(s, 2, text, sizeof(text));
		fprintf(out, "%s %3d %-28s %8lld%s%s%s\n", any ? "            " : "EDE         ",
			code, name ? name : "(unassigned)", sqlite3_column_int64(s, 1),
			text[0] ? "  e.g. \"" : "", text, text[0] ? "\"" : "");
		any = 1;
	}
	if (!any)
		fprintf(out, "EDE          none\n");
	sqlite3_finalize(s);
}

static void print_servfail_names(sqlite3 *h, FILE *out)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, "SELECT qname, qtype, count(*) FROM messages WHERE qr = 1 AND rcode = 2"
			       " GROUP BY qname, qtype ORDER BY count(*) DESC, qname LIMIT ?",
			       -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int(s, 1, TOP_NAMES);
	int any = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char name[1100], type[16];
		fprintf(out, "%s%s %s %lld\n", any ? "             " : "SERVFAIL     ",
			col_text(s, 0, name, sizeof(name)),
			dec_type_name((uint16_t)sqlite3_column_int(s, 1), type, sizeof(type)),
			sqlite3_column_int64(s, 2));
		any = 1;
	}
	if (any)
		fprintf(out, "             (%lld distinct names)\n",
			scalar(h, "SELECT count(DISTINCT qname) FROM messages WHERE qr = 1 AND rcode = 2"));
	sqlite3_finalize(s);
}

static void print_transactions(sqlite3 *h, FILE *out)
{
	long long matched = scalar(h, "SELECT count(*) FROM messages WHERE query_id IS NOT NULL");
	long long median = scalar(h, "SELECT latency_ns FROM messages WHERE query_id IS NOT NULL"
				      " ORDER BY latency_ns LIMIT 1 OFFSET"
				      " (SELECT count(*) / 2 FROM messages WHERE query_id IS NOT NULL)");
	fprintf(out, "transactions %lld answered, %lld unanswered, %lld unsolicited responses",
		matched, scalar(h, "SELECT count(*) FROM unanswered_queries"),
		scalar(h, "SELECT count(*) FROM unsolicited_responses"));
	if (matched > 0)
		fprintf(out, "; median latency %.3f ms", (double)median / 1e6);
	fputc('\n', out);
}

static void print_anomalies(sqlite3 *h, FILE *out)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, "SELECT kind, count FROM anomaly_counts ORDER BY count DESC, kind",
			       -1, &s, NULL) != SQLITE_OK)
		return;
	int any = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char kind[64];
		fprintf(out, "%s%-28s %lld\n", any ? "             " : "anomalies    ",
			col_text(s, 0, kind, sizeof(kind)), sqlite3_column_int64(s, 1));
		any = 1;
	}
	if (!any)
		fprintf(out, "anomalies    none\n");
	sqlite3_finalize(s);
}

static void print_verdicts(sqlite3 *h, const struct an_row_counts *rc, FILE *out)
{
	if (rc->checks <= 0) {
		fprintf(out, "validation   no RRSIG checked\n");
		return;
	}
	fprintf(out, "validation   %lld RRSIG checks: %lld valid, %lld bogus, %lld indeterminate,"
		" %lld unsupported (%lld distinct signatures, %lld keys seen)\n",
		(long long)rc->checks, (long long)rc->checks_valid, (long long)rc->checks_bogus,
		(long long)rc->checks_indeterminate, (long long)rc->checks_unsupported,
		scalar(h, "SELECT count(*) FROM signatures"), scalar(h, "SELECT count(*) FROM keys"));
	if (rc->checks_valid == rc->checks)
		return; /* nothing to group: skip the scan */
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, "SELECT reason, ede, count(*) FROM sig_checks WHERE verdict != 'valid'"
			       " GROUP BY reason, ede ORDER BY count(*) DESC", -1, &s, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char reason[64];
		fprintf(out, "             %-22s EDE %-3d %lld\n", col_text(s, 0, reason, sizeof(reason)),
			sqlite3_column_int(s, 1), sqlite3_column_int64(s, 2));
	}
	sqlite3_finalize(s);
}

/* The table that shows a fault present on some servers only: per failing
 * zone and key tag, what each server's signatures did. */
static void print_attribution(sqlite3 *h, FILE *out)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, "SELECT s.zone, s.key_tag, s.algorithm, c.server,"
			       " sum(c.verdict = 'valid'), sum(c.verdict != 'valid'),"
			       " max(CASE WHEN c.verdict != 'valid' THEN c.reason END)"
			       " FROM sig_checks c JOIN signatures s ON s.id = c.signature_id"
			       " WHERE s.zone IN (SELECT zone FROM signatures WHERE valid < uses)"
			       " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 4 LIMIT 200", -1, &s, NULL) != SQLITE_OK)
		return;
	char last[1100] = "";
	int last_tag = -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char zone[1100], server[64], reason[64];
		col_text(s, 0, zone, sizeof(zone));
		int tag = sqlite3_column_int(s, 1);
		if (strcmp(zone, last) || tag != last_tag)
			fprintf(out, "zone %s key tag %d algorithm %d\n", zone, tag, sqlite3_column_int(s, 2));
		snprintf(last, sizeof(last), "%s", zone);
		last_tag = tag;
		long long bad = sqlite3_column_int64(s, 5);
		fprintf(out, "             server %-39s %6lld valid %6lld failed%s%s\n",
			col_text(s, 3, server, sizeof(server)), sqlite3_column_int64(s, 4), bad,
			bad ? "  " : "", bad ? col_text(s, 6, reason, sizeof(reason)) : "");
	}
	sqlite3_finalize(s);
}

static void print_keys(sqlite3 *h, FILE *out)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, "SELECT zone, tag, algorithm, count(*) FROM keys WHERE tag_collision"
			       " GROUP BY 1, 2, 3", -1, &s, NULL) == SQLITE_OK) {
		while (sqlite3_step(s) == SQLITE_ROW) {
			char zone[1100];
			fprintf(out, "collision    %s: %lld published keys share tag %d (algorithm %d)\n",
				col_text(s, 0, zone, sizeof(zone)), sqlite3_column_int64(s, 3),
				sqlite3_column_int(s, 1), sqlite3_column_int(s, 2));
		}
		sqlite3_finalize(s);
	}
	if (sqlite3_prepare_v2(h, "SELECT zone, signature_tag, algorithm, count(*), sum(signatures),"
			       " min(first_ts_ns), max(last_ts_ns), group_concat(substr(fingerprint, 1, 16), ' ')"
			       " FROM recovered_keys GROUP BY 1, 2, 3", -1, &s, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char zone[1100], a[64], b[64], fps[400];
		rep_format_time(a, sizeof(a), sqlite3_column_int64(s, 5), 1000000000);
		rep_format_time(b, sizeof(b), sqlite3_column_int64(s, 6), 1000000000);
		fprintf(out, "unpublished  %s: %lld unpublished keys with tag %d (algorithm %d) made %lld"
			" failing signatures between %s and %s\n             key fingerprints %s\n",
			col_text(s, 0, zone, sizeof(zone)), sqlite3_column_int64(s, 3),
			sqlite3_column_int(s, 1), sqlite3_column_int(s, 2), sqlite3_column_int64(s, 4),
			a, b, col_text(s, 7, fps, sizeof(fps)));
	}
	sqlite3_finalize(s);
}

/* The incidents first, in sentences a person can paste into a ticket. */
static void print_incidents(sqlite3 *h, FILE *out)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, "SELECT id, summary FROM incidents ORDER BY start_ns", -1, &s, NULL) != SQLITE_OK)
		return;
	int n = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char text[4096];
		fprintf(out, "%s %d: %s\n", n ? "\nincident" : "incident", sqlite3_column_int(s, 0),
			col_text(s, 1, text, sizeof(text)));
		n++;
	}
	sqlite3_finalize(s);
	if (!n)
		fprintf(out, "incidents    none: no signature failed validation\n");
	if (sqlite3_prepare_v2(h, "SELECT resolver, zone, first_ts_ns FROM nta_events ORDER BY first_ts_ns",
			       -1, &s, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char resolver[64], zone[1100], when[64];
		rep_format_time(when, sizeof(when), sqlite3_column_int64(s, 2), 1000000);
		fprintf(out, "negative trust anchor: resolver %s answers %s without validation from %s\n",
			col_text(s, 0, resolver, sizeof(resolver)), col_text(s, 1, zone, sizeof(zone)), when);
	}
	sqlite3_finalize(s);
	fputc('\n', out);
}

int rep_summary(const char *path, FILE *out, char *err, size_t errlen)
{
	sqlite3 *h = an_db_open_read(path, err, errlen);
	if (!h)
		return ST_EDB;
	struct an_row_counts rc;
	get_counts(h, &rc);
	print_incidents(h, out);
	print_captures(h, out);
	print_time_range(h, &rc, out);
	print_counts(&rc, out);
	print_rcodes(&rc, out);
	print_ede(h, out);
	print_servfail_names(h, out);
	print_transactions(h, out);
	print_verdicts(h, &rc, out);
	print_keys(h, out);
	print_attribution(h, out);
	print_anomalies(h, out);
	sqlite3_close(h);
	return ST_OK;
}

int rep_summary_brief(const char *path, FILE *out, char *err, size_t errlen)
{
	sqlite3 *h = an_db_open_read(path, err, errlen);
	if (!h)
		return ST_EDB;
	struct an_row_counts rc;
	get_counts(h, &rc);
	print_incidents(h, out);
	print_time_range(h, &rc, out);
	print_counts(&rc, out);
	print_rcodes(&rc, out);
	print_ede(h, out);
	print_verdicts(h, &rc, out);
	print_keys(h, out);
	sqlite3_close(h);
	return ST_OK;
}
