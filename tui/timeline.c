/* tui/timeline.c -- view 2: a time axis to move along and zoom. One
 * column per bucket (1 s .. 1 h, never finer than the analysis bucket);
 * sparklines of valid and bogus signature checks, SERVFAIL ratio and EDE
 * codes; under them the cursor bucket in detail: bogus checks by reason,
 * SERVFAIL per resolver, EDE codes. Enter lists that bucket's messages.
 * Only the visible columns are queried, from the bucket tables. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include "decode/names.h"
#include "tui/screen.h"
#include "tui/view.h"

#define LABEL 10
#define SEC 1000000000LL

static const int64_t zooms[] = {
	1 * SEC, 5 * SEC, 10 * SEC, 30 * SEC, 60 * SEC, 300 * SEC, 600 * SEC, 1800 * SEC, 3600 * SEC,
};
#define NZOOM ((int)(sizeof(zooms) / sizeof(zooms[0])))

static int cols(void)
{
	int n = COLS - LABEL - 1;
	return n > 1 ? (n > 1024 ? 1024 : n) : 1;
}

static int64_t width(const struct tui_app *a)
{
	int64_t w = zooms[a->tl.zoom];
	return w < a->bucket_ns ? a->bucket_ns : w;
}

static int64_t last_bucket(const struct tui_app *a)
{
	int64_t b = (a->t1 - a->tl.origin) / width(a);
	return b > 0 ? b : 0;
}

/* Sets zoom and origin, keeping time ns under the cursor. */
static void set_zoom(struct tui_app *a, int zoom, int64_t ns)
{
	struct tui_timeline *t = &a->tl;
	int n = cols();
	t->zoom = zoom < 0 ? 0 : zoom >= NZOOM ? NZOOM - 1 : zoom;
	int64_t w = width(a);
	t->origin = a->t0 - a->t0 % w;
	t->cur = (ns - t->origin) / w;
	if (t->cur < 0)
		t->cur = 0;
	if (t->cur > last_bucket(a))
		t->cur = last_bucket(a);
	t->first = t->cur - n / 3;
	if (t->first < 0)
		t->first = 0;
}

static void clamp(struct tui_app *a)
{
	struct tui_timeline *t = &a->tl;
	int n = cols();
	int64_t last = last_bucket(a);
	if (t->cur > last)
		t->cur = last;
	if (t->cur < 0)
		t->cur = 0;
	if (t->cur < t->first)
		t->first = t->cur;
	if (t->cur >= t->first + n)
		t->first = t->cur - n + 1;
}

static void ensure(struct tui_app *a, int force)
{
	struct tui_timeline *t = &a->tl;
	int n = cols();
	int64_t w = width(a);
	if (force || t->loaded_cols != n || t->loaded_first != t->first || t->loaded_width != w) {
		if (t->s.n != n) {
			tui_series_free(&t->s);
			if (tui_series_alloc(&t->s, n))
				return;
		}
		tui_db_series(a->db, t->origin + t->first * w, w, &t->s);
		t->loaded_cols = n;
		t->loaded_first = t->first;
		t->loaded_width = w;
	}
	int64_t b0 = t->origin + t->cur * w;
	if (force || t->b_t0 != b0 || t->b_width != w) {
		tui_db_bucket(a->db, b0, b0 + w, &t->b);
		t->b_t0 = b0;
		t->b_width = w;
	}
}

void tui_timeline_goto(struct tui_app *a, int64_t ns, int64_t span)
{
	int n = cols(), z = 0;
	while (z < NZOOM - 1 && span / zooms[z] > n / 2)
		z++;
	set_zoom(a, z, ns);
	a->view = TUI_TIMELINE;
	ensure(a, 1);
}

void tui_timeline_load(struct tui_app *a)
{
	struct tui_timeline *t = &a->tl;
	if (t->loaded_cols == 0 && t->origin == 0) {
		int n = cols(), z = 0;
		while (z < NZOOM - 1 && (a->t1 - a->t0) / zooms[z] >= n)
			z++;
		set_zoom(a, z, a->t0);
	}
	clamp(a);
	ensure(a, 1);
}

static double max_of(const double *v, int n)
{
	double m = 0;
	for (int i = 0; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

static int draw_counts(int y, int x, int w, int bottom, const char *head,
		       const struct tui_count *c, int n, int ratio, int ede)
{
	if (y > bottom)
		return y;
	tui_put(y++, x, w, TUI_HEAD, 0, head);
	if (n == 0 && y <= bottom)
		tui_put(y++, x + 1, w - 1, TUI_DIM, 0, "none");
	for (int i = 0; i < n && y <= bottom; i++) {
		const char *label = c[i].name;
		char buf[160];
		if (ede) {
			char *end;
			long code = strtol(c[i].name, &end, 10);
			const char *nm = *end == '\0' && code >= 0 && code < 65536 ? dec_ede_name((uint16_t)code) : NULL;
			snprintf(buf, sizeof(buf), "%.8s %.24s", c[i].name, nm ? nm : "");
			label = buf;
		}
		if (ratio)
			tui_putf(y++, x + 1, w - 1, c[i].n ? TUI_WARN : TUI_NORMAL, 0, "%-22.40s %5lld/%-5lld",
				 label, (long long)c[i].n, (long long)c[i].of);
		else
			tui_putf(y++, x + 1, w - 1, TUI_NORMAL, 0, "%-28.40s %6lld", label, (long long)c[i].n);
	}
	return y;
}

void tui_timeline_draw(struct tui_app *a)
{
	struct tui_timeline *t = &a->tl;
	clamp(a);
	ensure(a, 0);
	int y = tui_body_top(), bottom = tui_body_bottom(), n = t->s.n;
	int64_t w = width(a);
	char c0[32], wd[32], v0[32], v1[32];
	tui_fmt_time(c0, sizeof(c0), t->origin + t->cur * w, 0);
	tui_fmt_dur(wd, sizeof(wd), w);
	tui_putf(y++, 0, COLS, TUI_NORMAL, 1, "bucket %s (+/- zoom, h/l move)  cursor %.8s +%s  Enter: messages",
		 wd, c0, wd);
	double ratio[1024];
	for (int i = 0; i < n; i++)
		ratio[i] = t->s.responses[i] > 0 ? t->s.servfail[i] / t->s.responses[i] : 0;
	const struct {
		const char *label;
		const double *v;
		double max;
		enum tui_attr at;
	} rows[] = {
		{ "valid", t->s.valid, max_of(t->s.valid, n), TUI_GOOD },
		{ "bogus", t->s.bogus, max_of(t->s.bogus, n), TUI_BAD },
		{ "SERVFAIL%", ratio, 1.0, TUI_WARN },
		{ "EDE", t->s.ede, max_of(t->s.ede, n), TUI_WARN },
	};
	for (int r = 0; r < 4 && y <= bottom; r++, y++) {
		tui_put(y, 0, LABEL, TUI_NORMAL, 1, rows[r].label);
		tui_spark(y, LABEL + 1, rows[r].v, n, rows[r].max, rows[r].at);
	}
	int cx = (int)(t->cur - t->first);
	if (y <= bottom) {
		tui_fmt_time(v0, sizeof(v0), t->origin + t->first * w, 0);
		tui_fmt_time(v1, sizeof(v1), t->origin + (t->first + n) * w, 0);
		tui_putf(y, 0, LABEL, TUI_DIM, 1, "%.8s", v0);
		if (n > 20)
			tui_putf(y, LABEL + 1 + n - 8, 8, TUI_DIM, 0, "%.8s", v1);
		tui_put(y, LABEL + 1 + cx, 1, TUI_SEL, 0, "^");
		y++;
	}
	if (y <= bottom)
		tui_rule(y++, 0, COLS);
	const struct tui_bucket *b = &t->b;
	if (y <= bottom)
		tui_putf(y++, 0, COLS, TUI_NORMAL, 0, "bucket %.8s +%s: signature checks valid %lld, bogus %lld",
			 c0, wd, (long long)b->valid, (long long)b->bogus);
	int half = COLS / 2;
	int ya = draw_counts(y, 0, half - 1, bottom, "bogus by reason", b->reason, b->nreason, 0, 0);
	draw_counts(ya, 0, half - 1, bottom, "EDE codes (resolvers)", b->ede, b->nede, 0, 1);
	draw_counts(y, half, COLS - half, bottom, "SERVFAIL/responses per resolver", b->resolver, b->nresolver, 1, 0);
}

int tui_timeline_key(struct tui_app *a, int ch)
{
	struct tui_timeline *t = &a->tl;
	int n = cols();
	int64_t w = width(a);
	switch (ch) {
	case KEY_LEFT: case 'h': t->cur--; break;
	case KEY_RIGHT: case 'l': t->cur++; break;
	case KEY_PPAGE: case 'b': t->cur -= n - 1; t->first -= n - 1; break;
	case KEY_NPAGE: case ' ': t->cur += n - 1; t->first += n - 1; break;
	case KEY_HOME: case 'g': t->cur = 0; break;
	case KEY_END: case 'G': t->cur = last_bucket(a); break;
	case '+': case '=': case 'z': case KEY_UP: case 'k':
		set_zoom(a, t->zoom - 1, t->origin + t->cur * w);
		break;
	case '-': case 'Z': case KEY_DOWN: case 'j':
		set_zoom(a, t->zoom + 1, t->origin + t->cur * w);
		break;
	case '\n': case '\r': case KEY_ENTER: {
		tui_filter_clear(&a->filter);
		a->filter.t0 = t->origin + t->cur * w;
		a->filter.t1 = a->filter.t0 + w;
		tui_messages_reset(a);
		a->view = TUI_MESSAGES;
		return 1;
	}
	default:
		return 0;
	}
	if (t->first < 0)
		t->first = 0;
	if (t->first > last_bucket(a))
		t->first = last_bucket(a);
	clamp(a);
	ensure(a, 0);
	return 1;
}
