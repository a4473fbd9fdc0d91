/* report/evidence.c -- the evidence section (every claim with its frame
 * number and the tshark display filters that show it) and the inputs and
 * method section (capture files with SHA-256, packet counts, run
 * counters, anomalies met while reading, definitions). */
#include <fcntl.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "decode/names.h"
#include "report/model.h"
#include "report/out.h"

#define READ_CHUNK 65536

void rep_evidence_head(FILE *f)
{
	fputs("<th>Capture</th><th class=\"n\">Frame</th><th>tshark display filter</th>", f);
}

/* The file name part of a path, for a narrow cell. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

static void filter_cells(struct rep_model *m, const char *path, int64_t frame, int has_id,
			 int dns_id, const char *src)
{
	fputs("<td class=\"mono\">", m->f);
	rep_out_text(m->f, base_name(path));
	fprintf(m->f, "</td><td class=\"n\">%lld</td><td><code>frame.number == %lld</code>",
		(long long)frame, (long long)frame);
	if (has_id && src[0]) {
		fprintf(m->f, "<br><code>dns.id == 0x%04x &amp;&amp; %s == ", dns_id & 0xffff,
			strchr(src, ':') ? "ipv6.src" : "ip.src");
		rep_out_text(m->f, src);
		fputs("</code>", m->f);
	}
	fputs("</td>", m->f);
}

void rep_evidence_cells(struct rep_model *m, int64_t message_id)
{
	sqlite3_stmt *s = rep_sql(m, "SELECT c.path, m.frame, m.dns_id IS NOT NULL, m.dns_id, m.src_addr"
				  " FROM messages m LEFT JOIN captures c ON c.id = m.capture_id WHERE m.id = ?1");
	if (s) {
		sqlite3_bind_int64(s, 1, message_id);
		if (rep_row(m, s)) {
			filter_cells(m, rep_col(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_int(s, 2),
				     sqlite3_column_int(s, 3), rep_col(s, 4));
			sqlite3_finalize(s);
			return;
		}
	}
	sqlite3_finalize(s);
	for (int i = 0; i < REP_EVIDENCE_CELLS; i++)
		fputs("<td></td>", m->f);
}

static void claim_row(struct rep_model *m, const char *what, const char *detail, int64_t ts, int64_t mid)
{
	char t[64];
	rep_fmt_date(t, sizeof(t), ts);
	fputs("<tr><td>", m->f);
	rep_out_text(m->f, what);
	fputs("</td><td>", m->f);
	rep_out_text(m->f, detail);
	fprintf(m->f, "</td><td>%s</td>", t);
	rep_evidence_cells(m, mid);
	fputs("</tr>\n", m->f);
}

static void findings(struct rep_model *m)
{
	sqlite3_stmt *s = rep_sql(m, "SELECT f.kind, f.detail, f.ts_ns, f.message_id, c.path, f.frame"
				  " FROM findings f LEFT JOIN captures c ON c.id = f.capture_id"
				  " ORDER BY f.ts_ns, f.id LIMIT ?1");
	if (!s)
		return;
	sqlite3_bind_int(s, 1, REP_ROWS);
	while (rep_row(m, s)) {
		int64_t mid = sqlite3_column_int64(s, 3);
		if (mid > 0) {
			claim_row(m, rep_col(s, 0), rep_col(s, 1), sqlite3_column_int64(s, 2), mid);
			continue;
		}
		char t[64];
		rep_fmt_date(t, sizeof(t), sqlite3_column_int64(s, 2));
		fputs("<tr><td>", m->f);
		rep_out_text(m->f, rep_col(s, 0));
		fputs("</td><td>", m->f);
		rep_out_text(m->f, rep_col(s, 1));
		fprintf(m->f, "</td><td>%s</td>", t);
		filter_cells(m, rep_col(s, 4), sqlite3_column_int64(s, 5), 0, 0, "");
		fputs("</tr>\n", m->f);
	}
	sqlite3_finalize(s);
}

/* The first SERVFAIL of each resolver and the first answer with each EDE
 * code: what a reader opens to see the clients' side. */
static void client_side(struct rep_model *m)
{
	sqlite3_stmt *s = rep_sql(m, "SELECT src_addr, min(ts_ns), (SELECT id FROM messages x WHERE "
				  REP_RESOLVER_SQL " AND x.rcode = 2 AND x.src_addr = r.src_addr ORDER BY ts_ns LIMIT 1)"
				  " FROM messages r WHERE " REP_RESOLVER_SQL " AND rcode = 2 GROUP BY 1 ORDER BY 2 LIMIT ?1");
	if (s) {
		sqlite3_bind_int(s, 1, REP_ROWS);
		while (rep_row(m, s))
			claim_row(m, "first SERVFAIL from resolver", rep_col(s, 0), sqlite3_column_int64(s, 1),
				  sqlite3_column_int64(s, 2));
	}
	sqlite3_finalize(s);
	s = rep_sql(m, "SELECT e.code, min(r.ts_ns), (SELECT x.id FROM messages x JOIN ede y ON y.message_id = x.id"
		    " WHERE y.code = e.code ORDER BY x.ts_ns LIMIT 1), (SELECT y.text FROM messages x JOIN ede y"
		    " ON y.message_id = x.id WHERE y.code = e.code ORDER BY x.ts_ns LIMIT 1)"
		    " FROM ede e JOIN messages r ON r.id = e.message_id GROUP BY 1 ORDER BY 2 LIMIT ?1");
	if (s) {
		sqlite3_bind_int(s, 1, REP_ROWS);
		while (rep_row(m, s)) {
			char what[96];
			const char *name = dec_ede_name((uint16_t)sqlite3_column_int(s, 0));
			snprintf(what, sizeof(what), "first EDE %d (%s)", sqlite3_column_int(s, 0),
				 name ? name : "unassigned");
			claim_row(m, what, rep_col(s, 3), sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2));
		}
	}
	sqlite3_finalize(s);
}

void rep_evidence_write(struct rep_model *m)
{
	fputs("<section id=\"evidence\">\n<h2>Evidence</h2>\n<p>Each row names the frame that shows a claim:"
	      " open the capture in Wireshark and apply the filter, or run <code>tshark -r FILE -Y"
	      " 'FILTER' -V</code>. Findings are the first occurrence of each problem per zone and key"
	      " tag.</p>\n<table class=\"sort\" id=\"t-evidence\"><thead><tr><th>Claim</th><th>Detail</th>"
	      "<th>Time (UTC)</th>", m->f);
	rep_evidence_head(m->f);
	fputs("</tr></thead><tbody>\n", m->f);
	for (int i = 0; i < REP_PH_COUNT; i++)
		if (m->ph[i].set && m->ph[i].message_id > 0)
			claim_row(m, m->ph[i].name, "phase", m->ph[i].ts_ns, m->ph[i].message_id);
	findings(m);
	client_side(m);
	fputs("</tbody></table>\n</section>\n", m->f);
}

/* --- inputs and method ------------------------------------------------ */

/* SHA-256 of the capture file if it is still a regular file of the size
 * recorded at analysis time; otherwise a sentence saying why not. The
 * path comes from the database: it is only opened for reading, never
 * followed into a FIFO or device, and never read past the recorded size. */
static void sha256_cell(FILE *f, const char *path, int64_t size, int have_size)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fputs("<span class=\"muted\">file not readable now: no hash</span>", f);
		goto out;
	}
	if (have_size && st.st_size != size) {
		fputs("<span class=\"muted\">file changed since the analysis (size differs): no hash</span>", f);
		goto out;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char buf[READ_CHUNK], dg[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	off_t left = st.st_size;
	while (ok && left > 0) {
		ssize_t n = read(fd, buf, left < READ_CHUNK ? (size_t)left : READ_CHUNK);
		if (n <= 0)
			ok = 0;
		else
			ok = EVP_DigestUpdate(ctx, buf, (size_t)n) == 1;
		left -= n > 0 ? n : 0;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, dg, &dl) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		fputs("<span class=\"muted\">read error: no hash</span>", f);
		goto out;
	}
	fputs("<span class=\"mono\">", f);
	for (unsigned int i = 0; i < dl; i++)
		fprintf(f, "%02x", dg[i]);
	fputs("</span>", f);
out:
	if (fd >= 0)
		close(fd);
}

static void captures(struct rep_model *m)
{
	sqlite3_stmt *s = rep_sql(m, "SELECT id, path, format, linktype, frames, bytes, file_size, first_ts_ns,"
				  " last_ts_ns, status, error, (SELECT count(*) FROM messages x WHERE x.capture_id = c.id)"
				  " FROM captures c ORDER BY id LIMIT ?1");
	if (!s)
		return;
	sqlite3_bind_int(s, 1, REP_ROWS);
	fputs("<h3>Capture files</h3>\n<table id=\"t-captures\"><thead><tr><th class=\"n\">#</th><th>Path</th>"
	      "<th>Format</th><th class=\"n\">Frames</th><th class=\"n\">DNS messages</th><th class=\"n\">Bytes</th>"
	      "<th>First frame</th><th>Last frame</th><th>Status</th><th>SHA-256</th></tr></thead><tbody>\n", m->f);
	while (rep_row(m, s)) {
		char a[64], b[64];
		rep_fmt_date(a, sizeof(a), sqlite3_column_int64(s, 7));
		rep_fmt_date(b, sizeof(b), sqlite3_column_int64(s, 8));
		fprintf(m->f, "<tr><td class=\"n\">%d</td><td class=\"mono\">", sqlite3_column_int(s, 0));
		rep_out_text(m->f, rep_col(s, 1));
		fputs("</td><td>", m->f);
		rep_out_text(m->f, rep_col(s, 2));
		fprintf(m->f, " (link type %d)</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
			"<td class=\"n\">%lld</td><td>%s</td><td>%s</td><td>", sqlite3_column_int(s, 3),
			(long long)sqlite3_column_int64(s, 4), (long long)sqlite3_column_int64(s, 11),
			(long long)sqlite3_column_int64(s, 5), a, b);
		rep_out_text(m->f, rep_col(s, 9));
		if (sqlite3_column_type(s, 10) != SQLITE_NULL) {
			fputs(": ", m->f);
			rep_out_text(m->f, rep_col(s, 10));
		}
		fputs("</td><td>", m->f);
		sha256_cell(m->f, rep_col(s, 1), sqlite3_column_int64(s, 6),
			    sqlite3_column_type(s, 6) != SQLITE_NULL);
		fputs("</td></tr>\n", m->f);
	}
	sqlite3_finalize(s);
	fputs("</tbody></table>\n", m->f);
}

/* Two-column key/value table from a constant query. */
static void kv_table(struct rep_model *m, const char *id, const char *sql, const char *empty)
{
	sqlite3_stmt *s = rep_sql(m, sql);
	if (!s)
		return;
	fprintf(m->f, "<table class=\"sort\" id=\"%s\"><tbody>\n", id);
	int rows = 0;
	while (rep_row(m, s)) {
		fputs("<tr><td>", m->f);
		rep_out_text(m->f, rep_col(s, 0));
		fputs("</td><td class=\"n\">", m->f);
		rep_out_text(m->f, rep_col(s, 1));
		fputs("</td></tr>\n", m->f);
		rows++;
	}
	sqlite3_finalize(s);
	if (!rows)
		fprintf(m->f, "<tr><td colspan=\"2\">%s</td></tr>\n", empty);
	fputs("</tbody></table>\n", m->f);
}

static void method(struct rep_model *m)
{
	char bucket[32];
	rep_fmt_dur(bucket, sizeof(bucket), m->bucket_ns);
	fprintf(m->f, "<h3>Method</h3>\n<ul>\n"
		"<li>Every RRSIG in every response was checked by sigtrail at the response's capture time"
		" against the DNSKEYs seen in the capture (table <code>sig_checks</code>). A check"
		" <i>failed</i> when its verdict is bogus or indeterminate; unsupported algorithms are not"
		" failures.</li>\n"
		"<li>A <i>resolver</i> is an address that sent responses with RA set to queries with RD."
		" SERVFAIL share = SERVFAIL answers / all its answers; AD share = answers with AD / its"
		" NOERROR and NXDOMAIN answers.</li>\n"
		"<li>Time buckets of %s; a <i>failure window</i> is a run of buckets with %s, which buckets"
		" without any evidence do not interrupt and two consecutive all-good buckets end.</li>\n"
		"<li>Unpublished keys are recovered from failing ECDSA signatures (algorithms 13, 14); a key"
		" is counted when it explains two or more distinct failing signatures.</li>\n"
		"<li>Text from packets is shown escaped: bytes outside printable ASCII as <code>\\DDD</code>.</li>\n"
		"</ul>\n", bucket, m->failures_from_checks ? "failed checks" : "resolver SERVFAILs");
}

void rep_inputs_write(struct rep_model *m)
{
	fputs("<section id=\"inputs\">\n<h2>Inputs and method</h2>\n", m->f);
	captures(m);
	fputs("<p class=\"muted\">A relative path is relative to the directory the report was written"
	      " from.</p>\n<h3>Analysis</h3>\n", m->f);
	kv_table(m, "t-meta", "SELECT key, value FROM meta ORDER BY key", "no metadata");
	fputs("<p>Report written by <b>sigtrail report</b>; the version of sigtrail that analysed the"
	      " capture is in the table above when the database records it.</p>\n"
	      "<h3>Anomalies met while reading</h3>\n", m->f);
	kv_table(m, "t-anomalies", "SELECT kind, count FROM anomaly_counts ORDER BY count DESC, kind",
		 "none");
	fputs("<h3>Counters</h3>\n", m->f);
	kv_table(m, "t-stats", "SELECT key, value FROM stats ORDER BY key", "none");
	method(m);
	fputs("</section>\n", m->f);
}
