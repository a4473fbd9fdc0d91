/* tui/screen.c -- colours, glyphs and escaped text output (tui/screen.h). */
#include <curses.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "tui/screen.h"
#include "util/escape.h"

static int utf8;
static int attrs[TUI_ATTR_N];

void tui_screen_setup(void)
{
	const char *cs = nl_langinfo(CODESET);
	utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	attrs[TUI_NORMAL] = A_NORMAL;
	attrs[TUI_TITLE] = A_REVERSE;
	attrs[TUI_SEL] = A_REVERSE;
	attrs[TUI_BAD] = A_BOLD;
	attrs[TUI_GOOD] = A_NORMAL;
	attrs[TUI_WARN] = A_BOLD;
	attrs[TUI_DIM] = A_DIM;
	attrs[TUI_HEAD] = A_BOLD | A_UNDERLINE;
	attrs[TUI_KEY] = A_BOLD;
	if (has_colors() && start_color() == OK) {
		short bg = COLOR_BLACK;
		if (use_default_colors() == OK)
			bg = -1;
		init_pair(1, COLOR_WHITE, COLOR_BLUE);
		init_pair(2, COLOR_RED, bg);
		init_pair(3, COLOR_GREEN, bg);
		init_pair(4, COLOR_YELLOW, bg);
		init_pair(5, COLOR_CYAN, bg);
		attrs[TUI_TITLE] = COLOR_PAIR(1) | A_BOLD;
		attrs[TUI_BAD] = COLOR_PAIR(2) | A_BOLD;
		attrs[TUI_GOOD] = COLOR_PAIR(3);
		attrs[TUI_WARN] = COLOR_PAIR(4) | A_BOLD;
		attrs[TUI_HEAD] = COLOR_PAIR(5) | A_BOLD;
		attrs[TUI_KEY] = COLOR_PAIR(4) | A_BOLD;
	}
}

int tui_screen_utf8(void)
{
	return utf8;
}

int tui_attr(enum tui_attr a)
{
	return attrs[a];
}

int tui_put(int y, int x, int width, enum tui_attr a, int pad, const char *text)
{
	char buf[1024];
	if (width <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + width > COLS)
		width = COLS - x;
	st_escape_printable(buf, sizeof(buf), text ? text : "");
	int n = (int)strlen(buf);
	if (n > width)
		n = width;
	attrset(attrs[a]);
	mvaddnstr(y, x, buf, n);
	for (int i = n; pad && i < width; i++)
		addch(' ');
	attrset(A_NORMAL);
	return n;
}

int tui_putf(int y, int x, int width, enum tui_attr a, int pad, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return tui_put(y, x, width, a, pad, buf);
}

void tui_line(int y, enum tui_attr a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tui_put(y, 0, COLS, a, 1, buf);
}

void tui_spark(int y, int x, const double *v, int n, double max, enum tui_attr a)
{
	static const char *const blocks[8] = {
		"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
	};
	static const char ascii[8] = { '_', '.', ':', '-', '=', '+', '*', '#' };
	if (y < 0 || y >= LINES)
		return;
	attrset(attrs[a]);
	for (int i = 0; i < n && x + i < COLS; i++) {
		int h = -1;
		if (v[i] > 0 && max > 0) {
			h = (int)(v[i] / max * 8.0);
			h = h > 7 ? 7 : h;
		}
		if (h < 0)
			mvaddch(y, x + i, ' ');
		else if (utf8)
			mvaddstr(y, x + i, blocks[h]);
		else
			mvaddch(y, x + i, (chtype)(unsigned char)ascii[h]);
	}
	attrset(A_NORMAL);
}

void tui_rule(int y, int x, int width)
{
	attrset(attrs[TUI_DIM]);
	for (int i = 0; i < width && x + i < COLS; i++) {
		if (utf8)
			mvaddstr(y, x + i, "\u2500");
		else
			mvaddch(y, x + i, '-');
	}
	attrset(A_NORMAL);
}

void tui_fmt_time(char *dst, size_t len, int64_t ns, int date)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;
	if (ns < 0 || !gmtime_r(&t, &tm)) {
		snprintf(dst, len, "?");
		return;
	}
	if (date)
		snprintf(dst, len, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		snprintf(dst, len, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (int)(ns % 1000000000 / 1000000));
}

void tui_fmt_dur(char *dst, size_t len, int64_t ns)
{
	int64_t s = ns / 1000000000;
	if (s < 60)
		snprintf(dst, len, "%llds", (long long)s);
	else if (s < 3600 && s % 60)
		snprintf(dst, len, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	else if (s < 3600)
		snprintf(dst, len, "%lldm", (long long)(s / 60));
	else if (s % 3600)
		snprintf(dst, len, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else
		snprintf(dst, len, "%lldh", (long long)(s / 3600));
}
