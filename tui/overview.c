/* tui/overview.c -- view 1: the incidents with their windows and root
 * causes, and sparklines of bogus signatures, SERVFAIL ratio and EDE codes
 * across the whole capture. Enter opens the timeline at an incident. */
#include <curses.h>
#include <string.h>
#include "tui/screen.h"
#include "tui/view.h"

#define LABEL 12

static int spark_cols(void)
{
	int n = COLS - LABEL - 1;
	return n > 1 ? n : 1;
}

void tui_overview_load(struct tui_app *a)
{
	struct tui_overview *o = &a->ov;
	o->n = tui_db_incidents(a->db, o->inc, TUI_MAX_INCIDENTS);
	o->total = tui_db_incident_count(a->db);
	if (o->sel >= o->n)
		o->sel = o->n > 0 ? o->n - 1 : 0;
	int cols = spark_cols();
	if (o->s.n != cols) {
		tui_series_free(&o->s);
		if (tui_series_alloc(&o->s, cols))
			return;
	}
	int64_t span = a->t1 - a->t0 + 1;
	o->width = span / cols + (span % cols != 0);
	if (o->width < 1)
		o->width = 1;
	/* Align cells to the analysis buckets so each bucket counts once. */
	if (o->width < a->bucket_ns)
		o->width = a->bucket_ns;
	else if (a->bucket_ns > 0 && o->width % a->bucket_ns)
		o->width += a->bucket_ns - o->width % a->bucket_ns;
	int64_t t0 = a->bucket_ns > 0 ? a->t0 - a->t0 % a->bucket_ns : a->t0;
	tui_db_series(a->db, t0, o->width, &o->s);
}

static double max_of(const double *v, int n)
{
	double m = 0;
	for (int i = 0; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

static void draw_incident(struct tui_app *a, int y, int i)
{
	const struct tui_incident *x = &a->ov.inc[i];
	char t[32], d[32];
	tui_fmt_time(t, sizeof(t), x->start_ns, 0);
	tui_fmt_dur(d, sizeof(d), x->end_ns - x->start_ns);
	enum tui_attr at = i == a->ov.sel ? TUI_SEL : TUI_BAD;
	tui_putf(y, 0, COLS, at, 1, "%s#%-3lld %-12s %.8s +%-6s %3.0f%% SF  %s/%s",
		 i == a->ov.sel ? ">" : " ", (long long)x->id, x->zone, t, d, x->peak_servfail * 100.0,
		 x->root_cause, x->reason[0] ? x->reason : "-");
}

static int draw_selected(struct tui_app *a, int y, int bottom)
{
	if (a->ov.n == 0)
		return y;
	const struct tui_incident *x = &a->ov.inc[a->ov.sel];
	char s[32], e[32], f[32], r[32];
	tui_fmt_time(s, sizeof(s), x->start_ns, 1);
	tui_fmt_time(e, sizeof(e), x->end_ns, 0);
	tui_fmt_time(f, sizeof(f), x->first_servfail_ns, 0);
	tui_fmt_time(r, sizeof(r), x->recovered_ns, 0);
	if (y <= bottom)
		tui_putf(y++, 2, COLS - 2, TUI_NORMAL, 0, "window %s .. %.8s UTC, worst bucket %.0f%% SERVFAIL",
			 s, e, x->peak_servfail * 100.0);
	if (y <= bottom)
		tui_putf(y++, 2, COLS - 2, TUI_NORMAL, 0, "first SERVFAIL %.8s, %s%.8s; %lld names, %lld clients failed",
			 x->first_servfail_ns ? f : "-", x->recovered_ns ? "validates again " : "",
			 x->recovered_ns ? r : "not recovered", (long long)x->names, (long long)x->clients);
	if (y <= bottom)
		tui_putf(y++, 2, COLS - 2, TUI_NORMAL, 0, "root cause %s (%s)   EDE sent %s",
			 x->root_cause, x->reason[0] ? x->reason : "-", x->ede_codes[0] ? x->ede_codes : "none");
	if (y <= bottom)
		tui_putf(y++, 2, COLS - 2, TUI_DIM, 0, "zones %s", x->zones[0] ? x->zones : "-");
	return y;
}

void tui_overview_draw(struct tui_app *a)
{
	struct tui_overview *o = &a->ov;
	int y = tui_body_top(), bottom = tui_body_bottom();
	char t0[32], t1[32], span[32];
	tui_fmt_time(t0, sizeof(t0), a->t0, 1);
	tui_fmt_time(t1, sizeof(t1), a->t1, 0);
	tui_fmt_dur(span, sizeof(span), a->t1 - a->t0);
	tui_putf(y++, 0, COLS, TUI_NORMAL, 0, "capture %s .. %.8s UTC (%s)  %lld messages  %lld incident%s",
		 t0, t1, span, (long long)a->max_id, (long long)o->total, o->total == 1 ? "" : "s");
	/* Sparklines take the last 6 rows; incidents get what is left. */
	int spark_top = bottom - 5;
	if (y <= bottom)
		tui_put(y++, 0, COLS, TUI_HEAD, 0, o->n ? "Incidents (Enter: timeline)" : "Incidents: none");
	int list_rows = spark_top - y - 4;
	if (list_rows < 1)
		list_rows = 1;
	if (o->sel < o->top)
		o->top = o->sel;
	if (o->sel >= o->top + list_rows)
		o->top = o->sel - list_rows + 1;
	for (int i = o->top; i < o->n && i < o->top + list_rows && y < spark_top; i++)
		draw_incident(a, y++, i);
	y = draw_selected(a, y, spark_top - 1);
	if (spark_top <= y || !o->s.n)
		return;
	y = spark_top;
	char w[32];
	tui_fmt_dur(w, sizeof(w), o->width);
	tui_putf(y++, 0, COLS, TUI_HEAD, 0, "Whole capture, one cell = %s", w);
	int n = o->s.n;
	double ratio[1024];
	if (n > 1024)
		n = 1024;
	for (int i = 0; i < n; i++)
		ratio[i] = o->s.responses[i] > 0 ? o->s.servfail[i] / o->s.responses[i] : 0;
	tui_putf(y, 0, LABEL, TUI_NORMAL, 1, "bogus %.0f", max_of(o->s.bogus, n));
	tui_spark(y++, LABEL + 1, o->s.bogus, n, max_of(o->s.bogus, n), TUI_BAD);
	tui_put(y, 0, LABEL, TUI_NORMAL, 1, "SERVFAIL %");
	tui_spark(y++, LABEL + 1, ratio, n, 1.0, TUI_WARN);
	tui_putf(y, 0, LABEL, TUI_NORMAL, 1, "EDE %.0f", max_of(o->s.ede, n));
	tui_spark(y++, LABEL + 1, o->s.ede, n, max_of(o->s.ede, n), TUI_WARN);
	/* Incident windows under the sparklines. */
	tui_put(y, 0, LABEL, TUI_NORMAL, 1, "incidents");
	int64_t base = a->bucket_ns > 0 ? a->t0 - a->t0 % a->bucket_ns : a->t0;
	for (int i = 0; i < o->n; i++) {
		int64_t c0 = (o->inc[i].start_ns - base) / o->width, c1 = (o->inc[i].end_ns - base) / o->width;
		for (int64_t c = c0; c <= c1 && c < n; c++)
			if (c >= 0)
				tui_put(y, LABEL + 1 + (int)c, 1, i == o->sel ? TUI_BAD : TUI_WARN, 0,
					i == o->sel ? "#" : "=");
	}
	y++;
	tui_fmt_time(t0, sizeof(t0), base, 0);
	tui_fmt_time(t1, sizeof(t1), base + o->width * n, 0);
	tui_putf(y, LABEL + 1, COLS - LABEL - 1, TUI_DIM, 0, "%.8s", t0);
	if (n > 20)
		tui_putf(y, LABEL + 1 + n - 8, 8, TUI_DIM, 0, "%.8s", t1);
}

int tui_overview_key(struct tui_app *a, int ch)
{
	struct tui_overview *o = &a->ov;
	if (tui_list_motion(ch, &o->sel, &o->top, o->n, 4))
		return 1;
	if ((ch == '\n' || ch == '\r' || ch == KEY_ENTER || ch == 'l' || ch == KEY_RIGHT) && o->n) {
		const struct tui_incident *x = &o->inc[o->sel];
		tui_timeline_goto(a, x->start_ns, x->end_ns - x->start_ns);
		return 1;
	}
	return 0;
}
