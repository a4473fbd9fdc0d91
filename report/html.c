/* report/html.c -- the HTML incident report (see html.h): the page, the
 * model every section reads (time axis, failure windows, phases), and the
 * headline paragraph generated from the data. */
#include <errno.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "analyze/db.h"
#include "report/html.h"
#include "report/model.h"
#include "report/out.h"
#include "util/err.h"

/* --- database helpers shared by the sections (model.h) --------------- */

static void db_fail(struct rep_model *m)
{
	if (m->err)
		return;
	m->err = ST_EDB;
	snprintf(m->errbuf, m->errlen, "report query failed: %s", sqlite3_errmsg(m->db));
}

sqlite3_stmt *rep_sql(struct rep_model *m, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(m->db, sql, -1, &s, NULL) != SQLITE_OK) {
		db_fail(m);
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

int rep_row(struct rep_model *m, sqlite3_stmt *s)
{
	if (!s)
		return 0;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		db_fail(m);
	return 0;
}

int64_t rep_scalar(struct rep_model *m, const char *sql)
{
	sqlite3_stmt *s = rep_sql(m, sql);
	int64_t v = rep_row(m, s) ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return v;
}

const char *rep_col(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	return t ? (const char *)t : "";
}

int rep_bucket(const struct rep_model *m, int64_t ts_ns)
{
	if (ts_ns < m->t0 || m->bucket_ns <= 0)
		return -1;
	int64_t b = (ts_ns - m->t0) / m->bucket_ns;
	return b < m->nb ? (int)b : -1;
}

void rep_fmt_bucket(const struct rep_model *m, char *dst, size_t len, int b)
{
	rep_fmt_clock(dst, len, m->t0 + (int64_t)b * m->bucket_ns, m->bucket_ns < 1000000000);
}

/* --- the time axis --------------------------------------------------- */

/* Times outside this range are treated as absent (a foreign database):
 * differences of in-range times never overflow. */
#define TS_MAX ((int64_t)4000000000 * 1000000000)

static int64_t pick_bucket(int64_t span)
{
	static const int64_t steps[] = {
		1000000, 2000000, 5000000, 10000000, 20000000, 50000000, 100000000,
		200000000, 500000000, 1000000000LL, 2000000000LL, 5000000000LL,
		10000000000LL, 15000000000LL, 30000000000LL, 60000000000LL,
		120000000000LL, 300000000000LL, 600000000000LL, 900000000000LL,
		1800000000000LL, 3600000000000LL, 7200000000000LL, 10800000000000LL,
		21600000000000LL, 43200000000000LL, 86400000000000LL,
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (span / steps[i] < REP_MAX_BUCKETS - 1)
			return steps[i];
	int64_t day = 86400000000000LL, days = span / day / (REP_MAX_BUCKETS - 2) + 1;
	return days * day;
}

static void build_axis(struct rep_model *m)
{
	sqlite3_stmt *s = rep_sql(m, "SELECT count(*), min(ts_ns), max(ts_ns) FROM messages"
				  " WHERE ts_ns BETWEEN 0 AND ?1");
	if (s) {
		sqlite3_bind_int64(s, 1, TS_MAX);
		if (rep_row(m, s)) {
			m->messages = sqlite3_column_int64(s, 0);
			m->t_first = sqlite3_column_int64(s, 1);
			m->t_last = sqlite3_column_int64(s, 2);
		}
	}
	sqlite3_finalize(s);
	if (m->t_last < m->t_first)
		m->t_last = m->t_first;
	m->bucket_ns = pick_bucket(m->t_last - m->t_first);
	m->t0 = m->t_first / m->bucket_ns * m->bucket_ns;
	m->nb = (int)((m->t_last - m->t0) / m->bucket_ns) + 1;
}

/* Adds per-bucket counts from a query returning (bucket, a, b) rows. */
static void fill_buckets(struct rep_model *m, const char *sql, int64_t *a, int64_t *b)
{
	sqlite3_stmt *s = rep_sql(m, sql);
	if (!s)
		return;
	sqlite3_bind_int64(s, 1, m->t0);
	sqlite3_bind_int64(s, 2, m->bucket_ns);
	sqlite3_bind_int64(s, 3, m->t_first);
	sqlite3_bind_int64(s, 4, m->t_last);
	while (rep_row(m, s)) {
		int64_t i = sqlite3_column_int64(s, 0);
		if (i < 0 || i >= m->nb)
			continue;
		a[i] += sqlite3_column_int64(s, 1);
		b[i] += sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
}

/* Failure windows: runs of buckets with failures. Buckets without any
 * evidence (no checks at all) do not end a window; REP_WINDOW_GAP
 * consecutive all-good buckets do. */
static void build_windows(struct rep_model *m)
{
	const int64_t *bad = m->failures_from_checks ? m->failed : m->servfail;
	const int64_t *all = m->failures_from_checks ? m->checks : m->answers;
	struct rep_window *w = NULL;
	int64_t peak = 0;
	int good = 0;
	m->peak_b = -1;
	for (int b = 0; b < m->nb; b++) {
		if (bad[b] > peak) {
			peak = bad[b];
			m->peak_b = b;
		}
		if (bad[b] > 0) {
			if (!w && m->nwin < REP_MAX_WINDOWS) {
				w = &m->win[m->nwin++];
				w->b0 = b;
				w->failed = 0;
			}
			if (w) {
				w->b1 = b;
				w->failed += bad[b];
			}
			good = 0;
		} else if (all[b] > 0 && ++good >= REP_WINDOW_GAP) {
			w = NULL;
		}
	}
}

static void phase_from(struct rep_model *m, enum rep_phase_id id, const char *sql, int64_t bind)
{
	sqlite3_stmt *s = rep_sql(m, sql);
	if (!s)
		return;
	sqlite3_bind_int64(s, 1, bind);
	sqlite3_bind_int64(s, 2, TS_MAX);
	if (rep_row(m, s) && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		m->ph[id].ts_ns = sqlite3_column_int64(s, 0);
		m->ph[id].message_id = sqlite3_column_int64(s, 1);
		m->ph[id].set = 1;
	}
	sqlite3_finalize(s);
}

#define CHECK_AT "SELECT ts_ns, message_id FROM sig_checks WHERE " REP_FAILED_SQL \
	" AND ts_ns BETWEEN ?1 AND ?2 ORDER BY ts_ns"
#define SERVFAIL_AT "SELECT ts_ns, id FROM messages WHERE " REP_RESOLVER_SQL \
	" AND rcode = 2 AND ts_ns BETWEEN ?1 AND ?2 ORDER BY ts_ns"

static void build_phases(struct rep_model *m)
{
	static const char *const names[REP_PH_COUNT] = {
		"first failing signature", "first SERVFAIL from a resolver", "peak",
		"last failure", "first all-valid bucket after the failures",
	};
	for (int i = 0; i < REP_PH_COUNT; i++)
		m->ph[i].name = names[i];
	phase_from(m, REP_PH_FIRST_BOGUS, CHECK_AT " LIMIT 1", 0);
	phase_from(m, REP_PH_FIRST_SERVFAIL, SERVFAIL_AT " LIMIT 1", 0);
	if (m->peak_b >= 0)
		phase_from(m, REP_PH_PEAK, m->failures_from_checks ? CHECK_AT " LIMIT 1" : SERVFAIL_AT " LIMIT 1",
			   m->t0 + (int64_t)m->peak_b * m->bucket_ns);
	phase_from(m, REP_PH_LAST_FAILURE, m->failures_from_checks ? CHECK_AT " DESC LIMIT 1"
		   : SERVFAIL_AT " DESC LIMIT 1", 0);
	if (!m->ph[REP_PH_LAST_FAILURE].set)
		return;
	const int64_t *all = m->failures_from_checks ? m->checks : m->answers;
	for (int b = rep_bucket(m, m->ph[REP_PH_LAST_FAILURE].ts_ns) + 1; b > 0 && b < m->nb; b++) {
		if (all[b] <= 0)
			continue;
		phase_from(m, REP_PH_FIXED, m->failures_from_checks
			   ? "SELECT ts_ns, message_id FROM sig_checks WHERE ts_ns BETWEEN ?1 AND ?2 ORDER BY ts_ns LIMIT 1"
			   : "SELECT ts_ns, id FROM messages WHERE " REP_RESOLVER_SQL
			     " AND ts_ns BETWEEN ?1 AND ?2 ORDER BY ts_ns LIMIT 1",
			   m->t0 + (int64_t)b * m->bucket_ns);
		break;
	}
}

static int build_model(struct rep_model *m)
{
	build_axis(m);
	size_t nb = (size_t)m->nb;
	m->checks = calloc(4 * nb, sizeof(int64_t));
	if (!m->checks)
		return ST_ENOMEM;
	m->failed = m->checks + nb;
	m->answers = m->failed + nb;
	m->servfail = m->answers + nb;
	fill_buckets(m, "SELECT (ts_ns - ?1) / ?2, count(*), sum(" REP_FAILED_SQL ") FROM sig_checks"
		     " WHERE ts_ns BETWEEN ?3 AND ?4 GROUP BY 1", m->checks, m->failed);
	fill_buckets(m, "SELECT (ts_ns - ?1) / ?2, count(*), sum(rcode = 2) FROM messages"
		     " WHERE " REP_RESOLVER_SQL " AND ts_ns BETWEEN ?3 AND ?4 GROUP BY 1",
		     m->answers, m->servfail);
	for (int b = 0; b < m->nb; b++) {
		m->n_checks += m->checks[b];
		m->n_failed += m->failed[b];
		m->n_resolver_answers += m->answers[b];
		m->n_servfail += m->servfail[b];
	}
	m->failures_from_checks = m->n_failed > 0 || m->n_servfail == 0;
	build_windows(m);
	build_phases(m);
	return m->err;
}

/* --- the page -------------------------------------------------------- */

static const char style[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 16px;color:#1b1b1b}\n"
	"h1{font-size:22px;margin:18px 0 6px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccc}\n"
	"h3{font-size:15px;margin:16px 0 6px}p.lead{font-size:15px;background:#fff6e5;border-left:4px solid #d9822b;padding:8px 12px}\n"
	"table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}\n"
	"th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}\n"
	"th{background:#f2f2f2}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"table.sort th{cursor:pointer}tr.bad td{background:#fdecea}tr.good td{background:#eef8ee}\n"
	"code,.mono{font-family:ui-monospace,monospace;font-size:12px;overflow-wrap:break-word}\n"
	".badge{display:inline-block;padding:0 5px;border-radius:3px;font-size:11px;margin-right:3px}\n"
	".b-bad{background:#c62828;color:#fff}.b-warn{background:#ef6c00;color:#fff}.b-ok{background:#2e7d32;color:#fff}\n"
	".b-info{background:#546e7a;color:#fff}.muted{color:#666}\n"
	"svg.chart{width:100%;height:auto;display:block;margin:4px 0}\n"
	"svg.chart text{font:11px system-ui,sans-serif;fill:#444}svg.chart .yl{text-anchor:end}svg.chart .xl{text-anchor:middle}\n"
	"svg.chart .grid{stroke:#e5e5e5}svg.chart .axis{stroke:#888}svg.chart .win{fill:#c62828;fill-opacity:.10}\n"
	"svg.chart .mark{stroke-width:1.5;stroke-dasharray:3 2}\n"
	".legend span{margin-right:12px;white-space:nowrap}.sw{display:inline-block;width:10px;height:10px;margin-right:4px}\n"
	"nav a{margin-right:10px}\n"
	"@media print{body{max-width:none;font-size:11px}nav,.noprint{display:none}"
	"section,figure,table,tr{break-inside:avoid}h2{break-after:avoid}"
	"p.lead{background:none;border-left:2px solid #000}a{color:inherit;text-decoration:none}}\n";

/* The page's only script: click a column header of a table.sort to sort
 * it. Its SHA-256 goes into the Content-Security-Policy, so no other
 * script (and no event-handler attribute) could run even if some text
 * escaped escaping. */
static const char script[] =
	"document.querySelectorAll('table.sort th').forEach(function(th){"
	"th.addEventListener('click',function(){"
	"var t=th.closest('table'),b=t.tBodies[0],i=Array.prototype.indexOf.call(th.parentNode.children,th),"
	"d=th.getAttribute('data-d')==='a'?'d':'a';th.setAttribute('data-d',d);"
	"var r=Array.prototype.slice.call(b.rows);"
	"r.sort(function(x,y){var p=x.cells[i]?x.cells[i].textContent:'',q=y.cells[i]?y.cells[i].textContent:'',"
	"u=parseFloat(p),v=parseFloat(q),o=(!isNaN(u)&&!isNaN(v))?u-v:p.localeCompare(q);return d==='a'?o:-o;});"
	"r.forEach(function(e){b.appendChild(e);});});});";

static int script_hash(char *dst, size_t len)
{
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	if (len < 48 || EVP_Digest(script, strlen(script), dg, &dl, EVP_sha256(), NULL) != 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)dst, dg, (int)dl);
	return 0;
}

static void write_head(struct rep_model *m, const char *db_path)
{
	char hash[64] = "";
	script_hash(hash, sizeof(hash));
	fprintf(m->f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'unsafe-inline'; img-src data:; script-src 'sha256-%s'; "
		"base-uri 'none'; form-action 'none'\">\n"
		"<meta name=\"referrer\" content=\"no-referrer\">\n"
		"<meta name=\"generator\" content=\"sigtrail report\">\n<title>sigtrail report: ", hash);
	rep_out_text(m->f, db_path);
	fprintf(m->f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>DNSSEC incident report</h1>\n"
		"<p class=\"muted\">Database <span class=\"mono\">", style);
	rep_out_text(m->f, db_path);
	fputs("</span>. All times are UTC, taken from the capture. Frame numbers open in Wireshark"
	      " or tshark.</p>\n<nav class=\"noprint\"><a href=\"#headline\">Headline</a>"
	      "<a href=\"#timeline\">Timeline</a><a href=\"#keys\">Keys</a><a href=\"#names\">Names</a>"
	      "<a href=\"#resolvers\">Resolvers</a><a href=\"#evidence\">Evidence</a>"
	      "<a href=\"#inputs\">Inputs and method</a></nav>\n", m->f);
}

static void write_tail(struct rep_model *m)
{
	fprintf(m->f, "<script>%s</script>\n</body>\n</html>\n", script);
}

static FILE *open_out(const char *out_path, char *tmp, size_t tmplen)
{
	if (!strcmp(out_path, "-")) {
		tmp[0] = '\0';
		return stdout;
	}
	int n = snprintf(tmp, tmplen, "%s.tmp%ld", out_path, (long)getpid());
	if (n < 0 || (size_t)n >= tmplen)
		return NULL;
	return fopen(tmp, "w");
}

static int close_out(FILE *f, const char *tmp, const char *out_path, int ok, char *err, size_t errlen)
{
	int bad = ferror(f);
	if (f == stdout)
		return fflush(f) || bad ? ST_EIO : ST_OK;
	bad |= fclose(f);
	if (ok && !bad && rename(tmp, out_path) == 0)
		return ST_OK;
	int e = errno;
	unlink(tmp);
	if (ok) {
		snprintf(err, errlen, "%s: %s", out_path, strerror(e));
		return ST_EIO;
	}
	return ST_OK;
}

int rep_html_write(const char *db_path, const char *out_path, char *err, size_t errlen)
{
	struct rep_model m;
	memset(&m, 0, sizeof(m));
	m.errbuf = err;
	m.errlen = errlen;
	m.db = an_db_open_read(db_path, err, errlen);
	if (!m.db)
		return ST_EDB;
	int rc = build_model(&m);
	if (rc == ST_ENOMEM)
		snprintf(err, errlen, "out of memory");
	char tmp[4200];
	if (rc == ST_OK) {
		m.f = open_out(out_path, tmp, sizeof(tmp));
		if (!m.f) {
			snprintf(err, errlen, "%s: %s", out_path, strerror(errno));
			rc = ST_EIO;
		}
	}
	if (rc == ST_OK) {
		write_head(&m, db_path);
		rep_headline_write(&m);
		rep_timeline_write(&m);
		rep_keys_write(&m);
		rep_names_write(&m);
		rep_resolvers_write(&m);
		rep_evidence_write(&m);
		rep_inputs_write(&m);
		write_tail(&m);
		rc = m.err;
		int wrc = close_out(m.f, tmp, out_path, rc == ST_OK, err, errlen);
		if (rc == ST_OK)
			rc = wrc;
		if (wrc != ST_OK && err[0] == '\0')
			snprintf(err, errlen, "%s: write failed", out_path);
	}
	free(m.checks);
	sqlite3_close(m.db);
	return rc;
}
