/* tui/app.c -- `sigtrail tui`: arguments, the curses session, the main
 * loop (one key per view, global keys, the `/` filter prompt) and the
 * --follow poll. Views draw into the rows between the title and the status
 * line; every frame is drawn with erase() + refresh(), so curses sends
 * only the cells that changed: no flicker when --follow redraws. */
#include <curses.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "tui/screen.h"
#include "tui/tui.h"
#include "tui/view.h"

#define FOLLOW_POLL_MS 250       /* key wait in --follow mode */
#define FOLLOW_CHECK_NS 1000000000LL /* PRAGMA data_version at most this often */

static int stale[TUI_VIEW_N];

int tui_body_top(void)
{
	return 1;
}

int tui_body_bottom(void)
{
	return LINES - 2;
}

int tui_body_rows(void)
{
	int n = tui_body_bottom() - tui_body_top() + 1;
	return n > 0 ? n : 0;
}

void tui_status(struct tui_app *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->status, sizeof(a->status), fmt, ap);
	va_end(ap);
}

int tui_list_motion(int ch, int *sel, int *top, int n, int rows)
{
	int s = *sel;
	switch (ch) {
	case KEY_UP: case 'k': s--; break;
	case KEY_DOWN: case 'j': s++; break;
	case KEY_PPAGE: case 'b': s -= rows > 1 ? rows - 1 : 1; break;
	case KEY_NPAGE: case ' ': s += rows > 1 ? rows - 1 : 1; break;
	case KEY_HOME: case 'g': s = 0; break;
	case KEY_END: case 'G': s = n - 1; break;
	default: return 0;
	}
	if (s >= n)
		s = n - 1;
	if (s < 0)
		s = 0;
	*sel = s;
	if (*sel < *top)
		*top = *sel;
	if (rows > 0 && *sel >= *top + rows)
		*top = *sel - rows + 1;
	if (*top < 0)
		*top = 0;
	return 1;
}

static void load_view(struct tui_app *a, enum tui_view v)
{
	switch (v) {
	case TUI_OVERVIEW: tui_overview_load(a); break;
	case TUI_TIMELINE: tui_timeline_load(a); break;
	case TUI_MESSAGES: tui_messages_load(a); break;
	case TUI_KEYS: tui_keys_load(a); break;
	default: break;
	}
	stale[v] = 0;
}

static void show(struct tui_app *a, enum tui_view v)
{
	if (v == TUI_HELP && a->view != TUI_HELP) {
		a->help_back = a->view;
		a->help_top = 0;
	}
	a->view = v;
	if (stale[v])
		load_view(a, v);
}

static void draw_title(struct tui_app *a)
{
	static const char *const names[] = { "1 Overview", "2 Timeline", "3 Messages", "4 Keys" };
	enum tui_view cur = a->view == TUI_DETAIL ? a->dt.back : a->view == TUI_HELP ? a->help_back : a->view;
	tui_line(0, TUI_TITLE, " sigtrail");
	int x = 10;
	for (int i = 0; i < 4; i++) {
		x += tui_putf(0, x, COLS - x, (int)cur == i ? TUI_SEL : TUI_TITLE, 0, " %s ", names[i]);
		x++;
	}
	const char *right = a->follow ? "follow ?:help q:quit" : "?:help q:quit";
	int w = (int)strlen(right);
	if (COLS - w - 1 > x)
		tui_put(0, COLS - w - 1, w, TUI_TITLE, 0, right);
}

static void draw(struct tui_app *a)
{
	erase();
	draw_title(a);
	switch (a->view) {
	case TUI_OVERVIEW: tui_overview_draw(a); break;
	case TUI_TIMELINE: tui_timeline_draw(a); break;
	case TUI_MESSAGES: tui_messages_draw(a); break;
	case TUI_KEYS: tui_keys_draw(a); break;
	case TUI_DETAIL: tui_detail_draw(a); break;
	case TUI_HELP: tui_help_draw(a); break;
	default: break;
	}
	if (LINES > 2)
		tui_line(LINES - 1, TUI_DIM, "%s", a->status);
	refresh();
}

/* Reads a line on the status row; 1 when accepted with Enter. */
static int prompt(struct tui_app *a, const char *label, char *buf, size_t len)
{
	size_t n = strlen(buf);
	int ok = -1;
	curs_set(1);
	timeout(-1);
	while (ok < 0) {
		tui_line(LINES - 1, TUI_NORMAL, "%s%s", label, buf);
		move(LINES - 1, (int)(strlen(label) + n) < COLS ? (int)(strlen(label) + n) : COLS - 1);
		refresh();
		int ch = getch();
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
			ok = 1;
		else if (ch == 27 || ch == 7)
			ok = 0;
		else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n > 0)
			buf[--n] = '\0';
		else if (ch == 21) /* ^U */
			buf[n = 0] = '\0';
		else if (ch == KEY_RESIZE)
			draw(a);
		else if (ch >= 0x20 && ch < 0x7f && n + 1 < len) {
			buf[n++] = (char)ch;
			buf[n] = '\0';
		}
	}
	curs_set(0);
	timeout(a->follow ? FOLLOW_POLL_MS : -1);
	return ok;
}

static void refresh_data(struct tui_app *a)
{
	tui_db_span(a->db, &a->t0, &a->t1);
	a->max_id = tui_db_max_id(a->db);
	a->bucket_ns = tui_db_bucket_ns(a->db);
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void follow_poll(struct tui_app *a, int64_t *last)
{
	int64_t t = now_ns();
	if (t - *last < FOLLOW_CHECK_NS)
		return;
	*last = t;
	if (!tui_db_changed(a->db))
		return;
	refresh_data(a);
	for (int v = 0; v < TUI_VIEW_N; v++)
		stale[v] = 1;
	enum tui_view v = a->view == TUI_DETAIL ? a->dt.back : a->view == TUI_HELP ? a->help_back : a->view;
	load_view(a, v);
	char hms[32];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	tui_fmt_time(hms, sizeof(hms), (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec, 0);
	tui_status(a, "follow: database changed, view updated at %.8s UTC", hms);
}

static int global_key(struct tui_app *a, int ch)
{
	switch (ch) {
	case '1': case 'o': show(a, TUI_OVERVIEW); return 1;
	case '2': case 't': show(a, TUI_TIMELINE); return 1;
	case '3': case 'm': show(a, TUI_MESSAGES); return 1;
	case '4': case 'K': show(a, TUI_KEYS); return 1;
	case '?': case KEY_F(1): show(a, TUI_HELP); return 1;
	case 'Q': a->quit = 1; return 1;
	case 12: /* ^L */ clearok(curscr, TRUE); return 1;
	case KEY_RESIZE:
		/* Column counts changed: views re-query for the new size. */
		for (int v = 0; v < TUI_VIEW_N; v++)
			stale[v] = 1;
		return 1;
	case 'r':
		refresh_data(a);
		for (int v = 0; v < TUI_VIEW_N; v++)
			stale[v] = 1;
		show(a, a->view);
		tui_status(a, "reloaded");
		return 1;
	case '/': {
		char buf[TUI_TEXT];
		tui_filter_format(&a->filter, buf, sizeof(buf));
		if (prompt(a, "filter (name= zone= resolver= rcode= ede= verdict=): ", buf, sizeof(buf)) == 1 &&
		    tui_filter_parse(a, buf) == 0) {
			tui_messages_reset(a);
			a->view = TUI_MESSAGES;
		}
		return 1;
	}
	}
	return 0;
}

static void loop(struct tui_app *a)
{
	int64_t last = now_ns();
	draw(a);
	while (!a->quit) {
		int ch = getch();
		if (ch == ERR) {
			if (a->follow) {
				char before[sizeof(a->status)];
				memcpy(before, a->status, sizeof(before));
				follow_poll(a, &last);
				if (strcmp(before, a->status) != 0)
					draw(a);
			}
			continue;
		}
		int used = 0;
		switch (a->view) {
		case TUI_OVERVIEW: used = tui_overview_key(a, ch); break;
		case TUI_TIMELINE: used = tui_timeline_key(a, ch); break;
		case TUI_MESSAGES: used = tui_messages_key(a, ch); break;
		case TUI_KEYS: used = tui_keys_key(a, ch); break;
		case TUI_DETAIL: used = tui_detail_key(a, ch); break;
		case TUI_HELP: used = tui_help_key(a, ch); break;
		default: break;
		}
		if (!used && !global_key(a, ch) && ch == 'q')
			a->quit = 1;
		if (a->view != TUI_DETAIL && a->view != TUI_HELP && stale[a->view])
			load_view(a, a->view);
		if (a->follow)
			follow_poll(a, &last);
		draw(a);
	}
}

static const char usage_text[] =
	"usage: sigtrail tui DB [--follow]\n"
	"  browse an analysis database in the terminal (docs/tui.md)\n"
	"  -f, --follow   keep re-reading a database that is still being written\n";

int tui_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct tui_app app; /* large: not on the stack */
	struct tui_app *a = &app;
	int c;
	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': a->follow = 1; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (argc - optind != 1) {
		fputs(usage_text, stderr);
		return 2;
	}
	a->path = argv[optind];
	char err[512];
	a->db = tui_db_open(a->path, err, sizeof(err));
	if (!a->db) {
		fprintf(stderr, "sigtrail tui: %s\n", err);
		return 5;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "sigtrail tui: needs a terminal (try `sigtrail summary %s`)\n", a->path);
		tui_db_close(a->db);
		return 2;
	}
	a->kv.k = calloc(TUI_MAX_KEYS, sizeof(*a->kv.k));
	if (!a->kv.k) {
		tui_db_close(a->db);
		fprintf(stderr, "sigtrail tui: out of memory\n");
		return 6;
	}
	tui_filter_clear(&a->filter);
	refresh_data(a);
	setlocale(LC_ALL, "");
	if (!initscr()) {
		tui_db_close(a->db);
		free(a->kv.k);
		fprintf(stderr, "sigtrail tui: cannot initialise the terminal\n");
		return 2;
	}
	tui_screen_setup();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	timeout(a->follow ? FOLLOW_POLL_MS : -1);
	for (int v = 0; v < TUI_VIEW_N; v++)
		stale[v] = 1;
	tui_status(a, "%s: %lld messages%s", a->path, (long long)a->max_id,
		   a->follow ? ", following" : "");
	show(a, TUI_OVERVIEW);
	loop(a);
	endwin();
	tui_series_free(&a->ov.s);
	tui_series_free(&a->tl.s);
	tui_detail_clear(&a->dt);
	free(a->kv.k);
	tui_db_close(a->db);
	return 0;
}
