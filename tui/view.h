/* tui/view.h -- the browser's state and its views.
 *
 * struct tui_app owns everything on screen: the database, the span of the
 * capture, the message filter and one state struct per view. Each view
 * has three functions: _load re-runs its queries (at start, after a
 * filter change, and in --follow mode when the database changed; it keeps
 * the cursor and scroll position), _draw paints the body rows
 * (tui_body_top() .. tui_body_bottom()), _key handles a key and returns 1
 * when it used it. tui/app.c owns the loop, the title and status lines. */
#pragma once
#include <stdint.h>
#include "tui/db.h"

enum tui_view { TUI_OVERVIEW, TUI_TIMELINE, TUI_MESSAGES, TUI_KEYS, TUI_DETAIL, TUI_HELP, TUI_VIEW_N };

#define TUI_MAX_INCIDENTS 64
#define TUI_PAGE 256            /* message rows held: one screen, with room */
#define TUI_MAX_KEYS 2048

struct tui_overview {
	int n, sel, top;
	int64_t total;
	struct tui_incident inc[TUI_MAX_INCIDENTS];
	struct tui_series s;
	int64_t width;               /* ns per sparkline cell */
};

struct tui_timeline {
	int zoom;                    /* index into the bucket sizes */
	int64_t origin;              /* time of column 0 of the axis */
	int64_t first;               /* first visible bucket (from origin) */
	int64_t cur;                 /* the cursor's bucket (from origin) */
	int loaded_cols;
	int64_t loaded_first, loaded_width;
	struct tui_series s;
	struct tui_bucket b;
	int64_t b_t0, b_width;       /* what b holds */
};

struct tui_messages {
	int n, sel;                  /* rows held and the cursor among them */
	int at_start, at_end;        /* nothing before row 0 / after row n-1 */
	struct tui_msg row[TUI_PAGE];
	char filter_text[TUI_TEXT];
};

struct tui_detail {
	int64_t id;
	int n, top, cap, hscroll;
	char **line;                 /* escaped ASCII lines, owned */
	unsigned char *attr;         /* enum tui_attr per line */
	enum tui_view back;
};

struct tui_keyview {
	int n, sel, top;
	struct tui_key *k;           /* TUI_MAX_KEYS, owned */
};

struct tui_app {
	struct tui_db *db;
	const char *path;
	int follow, quit;
	enum tui_view view, help_back;
	int help_top;
	int64_t t0, t1, bucket_ns, max_id;
	struct tui_filter filter;
	char status[256];
	struct tui_overview ov;
	struct tui_timeline tl;
	struct tui_messages ml;
	struct tui_detail dt;
	struct tui_keyview kv;
};

int tui_body_top(void);
int tui_body_bottom(void);      /* last body row, inclusive */
int tui_body_rows(void);
/* Sets the status line (formatted by us; database text is escaped when drawn). */
__attribute__((format(printf, 2, 3)))
void tui_status(struct tui_app *a, const char *fmt, ...);
/* Shared list motion: arrows/jk, PgUp/PgDn, Home/End on a cursor over n
 * rows with a scroll offset top. Returns 1 if ch was a motion key. */
int tui_list_motion(int ch, int *sel, int *top, int n, int rows);

void tui_overview_load(struct tui_app *a);
void tui_overview_draw(struct tui_app *a);
int tui_overview_key(struct tui_app *a, int ch);

void tui_timeline_load(struct tui_app *a);
void tui_timeline_draw(struct tui_app *a);
int tui_timeline_key(struct tui_app *a, int ch);
/* Moves the timeline cursor to time ns with a zoom fitting span ns. */
void tui_timeline_goto(struct tui_app *a, int64_t ns, int64_t span);

void tui_messages_load(struct tui_app *a);
void tui_messages_draw(struct tui_app *a);
int tui_messages_key(struct tui_app *a, int ch);
/* Shows the first page for a new filter. */
void tui_messages_reset(struct tui_app *a);
/* Parses "name=.. zone=.. resolver=.. rcode=.. ede=.. verdict=.." (a bare
 * word is a name, "." alone clears) into a->filter; 0 or -1 with status set. */
int tui_filter_parse(struct tui_app *a, const char *text);
/* Writes the filter in the same syntax. */
void tui_filter_format(const struct tui_filter *f, char *dst, size_t len);

void tui_detail_open(struct tui_app *a, int64_t id);
void tui_detail_draw(struct tui_app *a);
int tui_detail_key(struct tui_app *a, int ch);
void tui_detail_clear(struct tui_detail *d);

void tui_keys_load(struct tui_app *a);
void tui_keys_draw(struct tui_app *a);
int tui_keys_key(struct tui_app *a, int ch);

void tui_help_draw(struct tui_app *a);
int tui_help_key(struct tui_app *a, int ch);
