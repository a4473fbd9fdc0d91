/* report/timeline.c -- the timeline section: four charts on one time axis
 * (the model's buckets): RRSIG checks by verdict and reason (stacked),
 * SERVFAIL share per resolver, EDE codes sent by resolvers (stacked), AD
 * share per resolver. Failure windows are shaded and the phases marked
 * on every chart. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "decode/names.h"
#include "report/model.h"
#include "report/out.h"
#include "report/svg.h"

#define SERIES 8            /* stacked series per chart, "other" included */
#define NAME_LEN 96

struct series {
	int n;
	char name[SERIES][NAME_LEN];
	const char *names[SERIES];
	const char *colors[SERIES];
	double *v;                  /* nb * SERIES, bucket-major */
};

static const char *const bad_colors[] = {
	"#c62828", "#ef6c00", "#8e24aa", "#6d4c41", "#f9a825", "#d81b60", "#9e9e9e",
};
static const char *const line_colors[REP_MAX_RESOLVERS] = {
	"#1565c0", "#00897b", "#6a1b9a", "#ef6c00", "#5d4037", "#c2185b", "#455a64", "#7cb342",
};
static const char *const phase_colors[REP_PH_COUNT] = {
	"#c62828", "#6a1b9a", "#000000", "#ef6c00", "#2e7d32",
};

static void decorate(struct rep_model *m, struct rep_svg *g)
{
	for (int i = 0; i < m->nwin; i++)
		rep_svg_shade(g, m->win[i].b0, m->win[i].b1, "failure window");
}

static void marks(struct rep_model *m, struct rep_svg *g)
{
	for (int i = 0; i < REP_PH_COUNT; i++)
		if (m->ph[i].set)
			rep_svg_mark(g, m->ph[i].ts_ns, m->ph[i].name, phase_colors[i]);
}

static void legend(FILE *f, int n, const char *const *names, const char *const *colors, int phases)
{
	fputs("<div class=\"legend\">", f);
	for (int i = 0; i < n; i++) {
		fprintf(f, "<span><i class=\"sw\" style=\"background:%s\"></i>", colors[i]);
		rep_out_text(f, names[i]);
		fputs("</span>", f);
	}
	if (phases)
		fputs("<span><i class=\"sw\" style=\"background:#c62828;opacity:.2\"></i>failure window</span>"
		      "<span class=\"muted\">dashed lines: phases (hover for names)</span>", f);
	fputs("</div>\n", f);
}

static int series_index(struct series *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return i;
	return s->n - 1;        /* "other" */
}

static void bind_axis(struct rep_model *m, sqlite3_stmt *s)
{
	sqlite3_bind_int64(s, 1, m->t0);
	sqlite3_bind_int64(s, 2, m->bucket_ns);
	sqlite3_bind_int64(s, 3, m->t_first);
	sqlite3_bind_int64(s, 4, m->t_last);
}

static double stacked_max(const struct rep_model *m, const struct series *s)
{
	double top = 0;
	for (int b = 0; b < m->nb; b++) {
		double sum = 0;
		for (int i = 0; i < s->n; i++)
			sum += s->v[b * SERIES + i];
		if (sum > top)
			top = sum;
	}
	return top;
}

static void draw_stacked(struct rep_model *m, struct series *s, const char *id, const char *title)
{
	struct rep_svg g;
	rep_svg_open(&g, m->f, id, title, m->nb, m->t0, m->bucket_ns, stacked_max(m, s), 0);
	decorate(m, &g);
	for (int b = 0; b < m->nb; b++)
		rep_svg_stack(&g, b, s->n, s->v + b * SERIES, s->colors, s->names);
	marks(m, &g);
	rep_svg_close(&g);
	legend(m->f, s->n, s->names, s->colors, 1);
}

/* Chart 1: valid first, then the commonest failure kinds, then other. */
static void checks_chart(struct rep_model *m, struct series *s)
{
	sqlite3_stmt *q = rep_sql(m, "SELECT verdict || ': ' || reason, verdict = 'valid', count(*)"
				  " FROM sig_checks GROUP BY verdict, reason ORDER BY 2 DESC, 3 DESC, 1");
	while (rep_row(m, q) && s->n < SERIES - 1) {
		int valid = sqlite3_column_int(q, 1);
		snprintf(s->name[s->n], NAME_LEN, "%s", valid ? "valid" : rep_col(q, 0));
		s->colors[s->n] = valid ? "#2e7d32" : bad_colors[s->n];
		s->n++;
	}
	sqlite3_finalize(q);
	snprintf(s->name[s->n], NAME_LEN, "other");
	s->colors[s->n] = "#9e9e9e";
	s->n++;
	q = rep_sql(m, "SELECT (ts_ns - ?1) / ?2, verdict || ': ' || reason, verdict = 'valid', count(*)"
		    " FROM sig_checks WHERE ts_ns BETWEEN ?3 AND ?4 GROUP BY 1, verdict, reason");
	if (!q)
		return;
	bind_axis(m, q);
	while (rep_row(m, q)) {
		int64_t b = sqlite3_column_int64(q, 0);
		if (b < 0 || b >= m->nb)
			continue;
		int i = series_index(s, sqlite3_column_int(q, 2) ? "valid" : rep_col(q, 1));
		s->v[b * SERIES + i] += (double)sqlite3_column_int64(q, 3);
	}
	sqlite3_finalize(q);
	fprintf(m->f, "<h3>RRSIG checks per %s bucket, by verdict and reason</h3>\n", "time");
	draw_stacked(m, s, "c-checks", "RRSIG checks per time bucket by verdict and reason");
}

/* Chart 3: EDE codes in resolver answers. */
static void ede_chart(struct rep_model *m, struct series *s)
{
	sqlite3_stmt *q = rep_sql(m, "SELECT e.code, count(*) FROM ede e JOIN messages r ON r.id = e.message_id"
				  " WHERE r." REP_RESOLVER_SQL " GROUP BY 1 ORDER BY 2 DESC, 1");
	int codes[SERIES];
	while (rep_row(m, q) && s->n < SERIES - 1) {
		codes[s->n] = sqlite3_column_int(q, 0);
		const char *name = dec_ede_name((uint16_t)codes[s->n]);
		snprintf(s->name[s->n], NAME_LEN, "EDE %d %s", codes[s->n], name ? name : "(unassigned)");
		s->colors[s->n] = bad_colors[s->n];
		s->n++;
	}
	sqlite3_finalize(q);
	snprintf(s->name[s->n], NAME_LEN, "other");
	s->colors[s->n] = "#9e9e9e";
	codes[s->n] = -1;
	s->n++;
	q = rep_sql(m, "SELECT (r.ts_ns - ?1) / ?2, e.code, count(*) FROM ede e JOIN messages r"
		    " ON r.id = e.message_id WHERE r." REP_RESOLVER_SQL " AND r.ts_ns BETWEEN ?3 AND ?4 GROUP BY 1, 2");
	if (!q)
		return;
	bind_axis(m, q);
	while (rep_row(m, q)) {
		int64_t b = sqlite3_column_int64(q, 0);
		if (b < 0 || b >= m->nb)
			continue;
		int i = 0, code = sqlite3_column_int(q, 1);
		while (i < s->n - 1 && codes[i] != code)
			i++;
		s->v[b * SERIES + i] += (double)sqlite3_column_int64(q, 2);
	}
	sqlite3_finalize(q);
	fputs("<h3>EDE codes in resolver answers</h3>\n", m->f);
	if (s->n == 1) {
		fputs("<p>No resolver answer carried an Extended DNS Error option.</p>\n", m->f);
		return;
	}
	draw_stacked(m, s, "c-ede", "EDE codes in resolver answers per time bucket");
}

struct resolvers {
	int n;
	char addr[REP_MAX_RESOLVERS][64];
	const char *names[REP_MAX_RESOLVERS];
	double *sf, *ad;             /* n * nb: SERVFAIL share, AD share */
	unsigned char *have_sf, *have_ad;
};

static void resolver_series(struct rep_model *m, struct resolvers *r)
{
	sqlite3_stmt *q = rep_sql(m, "SELECT src_addr, count(*) FROM messages WHERE " REP_RESOLVER_SQL
				  " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?1");
	if (!q)
		return;
	sqlite3_bind_int(q, 1, REP_MAX_RESOLVERS);
	while (rep_row(m, q) && r->n < REP_MAX_RESOLVERS) {
		snprintf(r->addr[r->n], sizeof(r->addr[0]), "%s", rep_col(q, 0));
		r->names[r->n] = r->addr[r->n];
		r->n++;
	}
	sqlite3_finalize(q);
	q = rep_sql(m, "SELECT src_addr, (ts_ns - ?1) / ?2, count(*), sum(rcode = 2), sum(ad = 1 AND rcode IN (0, 3)),"
		    " sum(rcode IN (0, 3)) FROM messages WHERE " REP_RESOLVER_SQL
		    " AND ts_ns BETWEEN ?3 AND ?4 GROUP BY 1, 2");
	if (!q)
		return;
	bind_axis(m, q);
	while (rep_row(m, q)) {
		int64_t b = sqlite3_column_int64(q, 1);
		int i = 0;
		while (i < r->n && strcmp(r->addr[i], rep_col(q, 0)))
			i++;
		if (i == r->n || b < 0 || b >= m->nb)
			continue;
		size_t k = (size_t)i * (size_t)m->nb + (size_t)b;
		double all = (double)sqlite3_column_int64(q, 2), ok = (double)sqlite3_column_int64(q, 5);
		if (all > 0) {
			r->sf[k] = (double)sqlite3_column_int64(q, 3) / all;
			r->have_sf[k] = 1;
		}
		if (ok > 0) {
			r->ad[k] = (double)sqlite3_column_int64(q, 4) / ok;
			r->have_ad[k] = 1;
		}
	}
	sqlite3_finalize(q);
}

static void draw_lines(struct rep_model *m, struct resolvers *r, const double *v,
		       const unsigned char *have, const char *id, const char *title)
{
	struct rep_svg g;
	rep_svg_open(&g, m->f, id, title, m->nb, m->t0, m->bucket_ns, 1, 1);
	decorate(m, &g);
	for (int i = 0; i < r->n; i++)
		rep_svg_line(&g, v + (size_t)i * (size_t)m->nb, have + (size_t)i * (size_t)m->nb,
			     line_colors[i], r->names[i], i >= 4);
	marks(m, &g);
	rep_svg_close(&g);
	legend(m->f, r->n, r->names, line_colors, 1);
}

static void resolver_charts(struct rep_model *m, struct series *ede)
{
	struct resolvers r;
	memset(&r, 0, sizeof(r));
	size_t cells = (size_t)REP_MAX_RESOLVERS * (size_t)m->nb;
	r.sf = calloc(2 * cells, sizeof(double));
	r.have_sf = calloc(2 * cells, 1);
	if (!r.sf || !r.have_sf) {
		fputs("<p>Out of memory drawing the resolver charts.</p>\n", m->f);
		goto out;
	}
	r.ad = r.sf + cells;
	r.have_ad = r.have_sf + cells;
	resolver_series(m, &r);
	fputs("<h3>SERVFAIL share per resolver</h3>\n", m->f);
	if (r.n == 0) {
		fputs("<p>No resolver answers in the capture (responses with RA set to queries with RD).</p>\n",
		      m->f);
		goto out;
	}
	draw_lines(m, &r, r.sf, r.have_sf, "c-servfail", "SERVFAIL share of answers per resolver");
	ede_chart(m, ede);
	fputs("<h3>AD share per resolver</h3>\n<p class=\"muted\">Answers with the AD bit among"
	      " NOERROR and NXDOMAIN answers.</p>\n", m->f);
	draw_lines(m, &r, r.ad, r.have_ad, "c-ad", "AD share of NOERROR and NXDOMAIN answers per resolver");
out:
	free(r.sf);
	free(r.have_sf);
}

void rep_timeline_write(struct rep_model *m)
{
	char bucket[32];
	rep_fmt_dur(bucket, sizeof(bucket), m->bucket_ns);
	fprintf(m->f, "<section id=\"timeline\">\n<h2>Timeline</h2>\n<p>One time axis for every chart:"
		" <b id=\"bucket\">%s</b> buckets (%d of them), chosen from the capture's length."
		" Hover over a bar or point for its values.</p>\n", bucket, m->nb);
	struct series s;
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < SERIES; i++)
		s.names[i] = s.name[i];
	s.v = calloc((size_t)m->nb * SERIES, sizeof(double));
	if (!s.v) {
		fputs("<p>Out of memory drawing the charts.</p>\n</section>\n", m->f);
		return;
	}
	if (m->n_checks > 0)
		checks_chart(m, &s);
	else
		fputs("<h3>RRSIG checks</h3>\n<p>No RRSIG was checked (no signed answers in the capture).</p>\n",
		      m->f);
	memset(s.v, 0, (size_t)m->nb * SERIES * sizeof(double));
	memset(s.name, 0, sizeof(s.name));
	s.n = 0;
	resolver_charts(m, &s);
	free(s.v);
	fputs("</section>\n", m->f);
}
