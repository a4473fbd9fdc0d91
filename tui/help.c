/* tui/help.c -- the `?` screen: every key, as docs/tui.md lists them. */
#include <curses.h>
#include "tui/screen.h"
#include "tui/view.h"

static const char *const help[] = {
	"sigtrail tui -- keys (docs/tui.md)",
	"",
	"views     1 o  overview: incidents, sparklines of the whole capture",
	"          2 t  timeline: buckets to move along and zoom",
	"          3 m  messages: list under a filter",
	"          4 K  keys: key history per zone, collisions, recovered keys",
	"          ?    this help (Esc or q closes it)",
	"move      Up Down / k j        one row (timeline: zoom in / out)",
	"          Left Right / h l     timeline: one bucket; detail: scroll sideways",
	"          PgUp PgDn / b Space  one screen",
	"          Home End / g G       first / last",
	"          Enter                open: incident -> timeline, bucket ->",
	"                               messages, message -> decoded like dig",
	"          Esc  q  Backspace    back from a message or help",
	"timeline  + = z / - Z          zoom in / out (1s 5s 10s 30s 1m 5m 10m 30m 1h)",
	"filter    /   edit the message filter, words separated by spaces:",
	"              name=NAME zone=ZONE resolver=ADDR rcode=SERVFAIL|2",
	"              ede=6 verdict=secure|bogus|indeterminate t0=NS t1=NS",
	"              a bare word is a name; an empty line clears",
	"          Esc c  (messages) clear the filter",
	"other     r  reload   ^L  redraw   q  quit (from a view)   Q  quit",
	"",
	"--follow re-reads the database every second while it is written.",
	"Text from packets is shown escaped (\\DDD), never sent raw.",
};
#define NHELP ((int)(sizeof(help) / sizeof(help[0])))

void tui_help_draw(struct tui_app *a)
{
	int y = tui_body_top(), bottom = tui_body_bottom();
	for (int i = a->help_top; i < NHELP && y <= bottom; i++, y++)
		tui_put(y, 1, COLS - 1, i == 0 ? TUI_HEAD : TUI_NORMAL, 0, help[i]);
}

int tui_help_key(struct tui_app *a, int ch)
{
	int rows = tui_body_rows(), maxtop = NHELP - rows > 0 ? NHELP - rows : 0;
	switch (ch) {
	case KEY_UP: case 'k': a->help_top--; break;
	case KEY_DOWN: case 'j': a->help_top++; break;
	case KEY_PPAGE: case 'b': a->help_top -= rows; break;
	case KEY_NPAGE: case ' ': a->help_top += rows; break;
	case KEY_HOME: case 'g': a->help_top = 0; break;
	case KEY_END: case 'G': a->help_top = maxtop; break;
	case 27: case 'q': case '?': case KEY_BACKSPACE: case 127:
		a->view = a->help_back;
		return 1;
	default:
		return 0;
	}
	if (a->help_top > maxtop)
		a->help_top = maxtop;
	if (a->help_top < 0)
		a->help_top = 0;
	return 1;
}
