/* tui/messages.c -- view 3: the message list under a filter (zone, name,
 * resolver, rcode, EDE code, verdict, time range). Keyset-paged: the view
 * holds one screen of rows and every motion is one or two LIMITed, indexed
 * queries (tui/db.c), so it costs the same on millions of messages.
 * Enter shows the message decoded (tui/detail.c). */
#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "decode/names.h"
#include "tui/screen.h"
#include "tui/view.h"

static int page_rows(void)
{
	int n = tui_body_rows() - 2;
	return n < 1 ? 1 : n > TUI_PAGE ? TUI_PAGE : n;
}

static int fetch(struct tui_app *a, int64_t after, int dir, struct tui_msg *out, int max)
{
	int n = tui_db_messages(a->db, &a->filter, after, dir, out, max);
	if (n < 0) {
		tui_status(a, "database error while listing messages");
		return 0;
	}
	return n;
}

static void set_window(struct tui_app *a, const struct tui_msg *rows, int n)
{
	struct tui_messages *m = &a->ml;
	memmove(m->row, rows, (size_t)n * sizeof(*rows));
	m->n = n;
	if (m->sel >= n)
		m->sel = n > 0 ? n - 1 : 0;
}

static struct tui_msg tmp[TUI_PAGE];

static void home(struct tui_app *a)
{
	a->ml.sel = 0;
	a->ml.at_end = 0;
	set_window(a, tmp, fetch(a, INT64_MIN, 1, tmp, page_rows()));
}

static void end(struct tui_app *a)
{
	int n = fetch(a, INT64_MAX, -1, tmp, page_rows());
	set_window(a, tmp, n);
	a->ml.sel = n > 0 ? n - 1 : 0;
	a->ml.at_end = 1;
}

void tui_messages_reset(struct tui_app *a)
{
	home(a);
}

void tui_messages_load(struct tui_app *a)
{
	struct tui_messages *m = &a->ml;
	if (m->at_end) {
		end(a);
		return;
	}
	int64_t after = m->n > 0 ? m->row[0].id - 1 : INT64_MIN;
	set_window(a, tmp, fetch(a, after, 1, tmp, page_rows()));
}

static void down(struct tui_app *a, int by)
{
	struct tui_messages *m = &a->ml;
	int rows = page_rows();
	if (m->n == 0)
		return;
	if (m->sel + by < m->n) {
		m->sel += by;
		return;
	}
	int n = fetch(a, m->row[m->n - 1].id, 1, tmp, by < rows ? by : rows);
	if (n == 0) {
		m->sel = m->n - 1;
		return;
	}
	/* The screen that ends with the newest row fetched. */
	int64_t last = tmp[n - 1].id;
	n = fetch(a, last + 1, -1, tmp, rows);
	int keep = m->sel;
	set_window(a, tmp, n);
	m->sel = by == 1 ? n - 1 : keep < n ? keep : n - 1;
}

static void up(struct tui_app *a, int by)
{
	struct tui_messages *m = &a->ml;
	int rows = page_rows();
	m->at_end = 0;
	if (m->n == 0)
		return;
	if (m->sel - by >= 0) {
		m->sel -= by;
		return;
	}
	int n = fetch(a, m->row[0].id, -1, tmp, by < rows ? by : rows);
	if (n == 0) {
		m->sel = 0;
		return;
	}
	int64_t first = tmp[0].id;
	n = fetch(a, first - 1, 1, tmp, rows);
	int keep = m->sel;
	set_window(a, tmp, n);
	m->sel = by == 1 ? 0 : keep;
}

void tui_filter_format(const struct tui_filter *f, char *dst, size_t len)
{
	size_t o = 0;
	dst[0] = '\0';
#define ADD(...) do { if (o < len) o += (size_t)snprintf(dst + o, len - o, __VA_ARGS__); } while (0)
	if (f->name[0])
		ADD("name=%s ", f->name);
	if (f->zone[0])
		ADD("zone=%s ", f->zone);
	if (f->resolver[0])
		ADD("resolver=%s ", f->resolver);
	if (f->rcode >= 0) {
		char b[32];
		ADD("rcode=%s ", dec_rcode_name((uint16_t)f->rcode, b, sizeof(b)));
	}
	if (f->ede >= 0)
		ADD("ede=%d ", f->ede);
	if (f->verdict[0])
		ADD("verdict=%s ", f->verdict);
	if (f->t1 > f->t0)
		ADD("t0=%lld t1=%lld ", (long long)f->t0, (long long)f->t1);
#undef ADD
	if (o > 0 && o <= len && dst[o - 1] == ' ')
		dst[o - 1] = '\0';
}

static void copy_name(char *dst, size_t len, const char *v)
{
	size_t n = strlen(v);
	snprintf(dst, len, "%s%s", v, n && v[n - 1] != '.' ? "." : "");
}

int tui_filter_parse(struct tui_app *a, const char *text)
{
	struct tui_filter f;
	char buf[TUI_TEXT], *save = NULL;
	tui_filter_clear(&f);
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '=');
		const char *k = tok, *v = eq ? eq + 1 : tok;
		if (eq)
			*eq = '\0';
		else
			k = "name";
		char *end;
		if (!*v) {
			tui_status(a, "filter: %s= needs a value", k);
			return -1;
		} else if (strcmp(k, "name") == 0 || strcmp(k, "qname") == 0) {
			copy_name(f.name, sizeof(f.name), v);
		} else if (strcmp(k, "zone") == 0) {
			copy_name(f.zone, sizeof(f.zone), v);
		} else if (strcmp(k, "resolver") == 0 || strcmp(k, "server") == 0 || strcmp(k, "addr") == 0) {
			snprintf(f.resolver, sizeof(f.resolver), "%s", v);
		} else if (strcmp(k, "verdict") == 0) {
			if (strcmp(v, "secure") && strcmp(v, "bogus") && strcmp(v, "indeterminate")) {
				tui_status(a, "filter: verdict is secure, bogus or indeterminate");
				return -1;
			}
			snprintf(f.verdict, sizeof(f.verdict), "%s", v);
		} else if (strcmp(k, "rcode") == 0) {
			long n = strtol(v, &end, 10);
			f.rcode = *end == '\0' && n >= 0 && n < 4096 ? (int)n : -1;
			for (int i = 0; i < 24 && f.rcode < 0; i++) {
				char b[32];
				if (strcasecmp(dec_rcode_name((uint16_t)i, b, sizeof(b)), v) == 0)
					f.rcode = i;
			}
			if (f.rcode < 0) {
				tui_status(a, "filter: unknown rcode (a number or NOERROR, SERVFAIL, NXDOMAIN, ...)");
				return -1;
			}
		} else if (strcmp(k, "ede") == 0) {
			long n = strtol(v, &end, 10);
			if (*end != '\0' || n < 0 || n > 65535) {
				tui_status(a, "filter: ede= takes an EDE code number (6: DNSSEC Bogus)");
				return -1;
			}
			f.ede = (int)n;
		} else if (strcmp(k, "t0") == 0 || strcmp(k, "t1") == 0) {
			long long n = strtoll(v, &end, 10);
			if (*end != '\0') {
				tui_status(a, "filter: %s= takes nanoseconds since the epoch", k);
				return -1;
			}
			*(k[1] == '0' ? &f.t0 : &f.t1) = n;
		} else {
			tui_status(a, "filter: unknown key %s (name zone resolver rcode ede verdict t0 t1)", k);
			return -1;
		}
	}
	a->filter = f;
	char show[TUI_TEXT];
	tui_filter_format(&f, show, sizeof(show));
	tui_status(a, "filter: %s", show[0] ? show : "none");
	return 0;
}

static void draw_row(int y, const struct tui_msg *r, int sel)
{
	char t[32], rcb[32], tyb[32], ede[8];
	tui_fmt_time(t, sizeof(t), r->ts_ns, 0);
	const char *rc = r->qr ? dec_rcode_name((uint16_t)(r->rcode < 0 ? 0 : r->rcode), rcb, sizeof(rcb)) : "";
	const char *ty = dec_type_name((uint16_t)(r->qtype < 0 ? 0 : r->qtype), tyb, sizeof(tyb));
	snprintf(ede, sizeof(ede), "%.4s", r->ede);
	enum tui_attr at = sel ? TUI_SEL : r->verdict[0] == 'b' || r->rcode == 2 ? TUI_BAD : TUI_NORMAL;
	tui_putf(y, 0, COLS, at, 1, "%6lld %s %-15.15s %c %-8.8s %-6.6s %c %-4s %s",
		 (long long)r->frame, t, r->src, r->qr ? 'R' : 'Q', rc, ty,
		 r->verdict[0] ? r->verdict[0] : ' ', ede, r->qname);
}

void tui_messages_draw(struct tui_app *a)
{
	struct tui_messages *m = &a->ml;
	int y = tui_body_top(), bottom = tui_body_bottom();
	char f[TUI_TEXT];
	tui_filter_format(&a->filter, f, sizeof(f));
	if (a->filter.t1 > a->filter.t0) {
		/* Show the time range readably, too. */
		char t0[32], t1[32];
		tui_fmt_time(t0, sizeof(t0), a->filter.t0, 0);
		tui_fmt_time(t1, sizeof(t1), a->filter.t1, 0);
		tui_putf(y++, 0, COLS, TUI_NORMAL, 1, "messages %.8s..%.8s  filter: %s", t0, t1, f);
	} else {
		tui_putf(y++, 0, COLS, TUI_NORMAL, 1, "messages  filter: %s  (/ edit, Esc clear)", f[0] ? f : "none");
	}
	if (y <= bottom)
		tui_put(y++, 0, COLS, TUI_HEAD, 1, " frame time         from            R rcode    type   V EDE  name");
	for (int i = 0; i < m->n && y <= bottom; i++)
		draw_row(y++, &m->row[i], i == m->sel);
	if (m->n == 0 && y <= bottom)
		tui_put(y, 1, COLS - 1, TUI_DIM, 0, "no messages match");
}

int tui_messages_key(struct tui_app *a, int ch)
{
	struct tui_messages *m = &a->ml;
	int rows = page_rows();
	switch (ch) {
	case KEY_DOWN: case 'j': down(a, 1); return 1;
	case KEY_UP: case 'k': up(a, 1); return 1;
	case KEY_NPAGE: case ' ': down(a, rows); return 1;
	case KEY_PPAGE: case 'b': up(a, rows); return 1;
	case KEY_HOME: case 'g': home(a); return 1;
	case KEY_END: case 'G': end(a); return 1;
	case 27: case 'c':
		tui_filter_clear(&a->filter);
		tui_status(a, "filter cleared");
		home(a);
		return 1;
	case '\n': case '\r': case KEY_ENTER: case 'l': case KEY_RIGHT:
		if (m->n > 0)
			tui_detail_open(a, m->row[m->sel].id);
		return 1;
	}
	return 0;
}
