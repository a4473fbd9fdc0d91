/* tui/screen.h -- drawing on the terminal: colours (or attributes on a
 * monochrome terminal), UTF-8 or ASCII glyphs, and the one function that
 * puts text on the screen.
 *
 * tui_put() escapes its text with st_escape_printable() before curses sees
 * it, so every string from the database, formatted or not, reaches the
 * terminal as printable ASCII. Glyphs (sparkline blocks, arrows) are ours
 * and drawn with tui_glyph(). */
#pragma once
#include <stddef.h>
#include <stdint.h>

enum tui_attr {
	TUI_NORMAL, TUI_TITLE, TUI_SEL, TUI_BAD, TUI_GOOD, TUI_WARN, TUI_DIM, TUI_HEAD, TUI_KEY,
	TUI_ATTR_N
};

/* After initscr(): picks colours when the terminal has them and glyphs
 * from the locale's codeset (UTF-8 or plain ASCII). */
void tui_screen_setup(void);
int tui_screen_utf8(void);
/* The curses attribute for a role. */
int tui_attr(enum tui_attr a);

/* Escapes text and draws at most width columns of it at (y, x); pads
 * with blanks to width when pad. Returns the columns drawn. */
int tui_put(int y, int x, int width, enum tui_attr a, int pad, const char *text);
__attribute__((format(printf, 6, 7)))
int tui_putf(int y, int x, int width, enum tui_attr a, int pad, const char *fmt, ...);
/* A whole screen line: blanks it, then text. */
__attribute__((format(printf, 3, 4)))
void tui_line(int y, enum tui_attr a, const char *fmt, ...);

/* Sparkline of n values scaled to max (> 0) at (y, x): one cell per value,
 * eight heights in UTF-8, " .:-=+*#" in ASCII; zero is a blank. */
void tui_spark(int y, int x, const double *v, int n, double max, enum tui_attr a);
/* A horizontal rule of width cells. */
void tui_rule(int y, int x, int width);

/* "2026-11-23 11:52:56" (date) or "11:52:56.123" (UTC). */
void tui_fmt_time(char *dst, size_t len, int64_t ns, int date);
/* "1s", "5m", "1h", "1m43s". */
void tui_fmt_dur(char *dst, size_t len, int64_t ns);
