/* tui/keys.c -- view 4: per zone, the key history: every DNSKEY seen with
 * tag, algorithm, flags, when it was first and last published, whether it
 * signed anything that validated, tag collisions; and the keys recovered
 * from failing signatures (published nowhere). From the keys and
 * recovered_keys tables (small: one row per key), capped at TUI_MAX_KEYS. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include "decode/names.h"
#include "tui/screen.h"
#include "tui/view.h"

void tui_keys_load(struct tui_app *a)
{
	struct tui_keyview *v = &a->kv;
	v->n = tui_db_keys(a->db, v->k, TUI_MAX_KEYS);
	/* A tag is shared when another key of the zone, published or
	 * recovered, has the same tag and algorithm (rows are by zone). */
	for (int i = 0; i < v->n; i++) {
		struct tui_key *k = &v->k[i];
		k->shared = k->collision;
		for (int j = 0; j < v->n && !k->shared; j++)
			k->shared = j != i && v->k[j].tag == k->tag && v->k[j].algorithm == k->algorithm &&
				    strcmp(v->k[j].zone, k->zone) == 0;
	}
	if (v->sel >= v->n)
		v->sel = v->n > 0 ? v->n - 1 : 0;
}

static void draw_key(int y, const struct tui_key *k, int show_zone, int sel)
{
	char f[32], l[32], state[96];
	tui_fmt_time(f, sizeof(f), k->first_ts_ns, 0);
	tui_fmt_time(l, sizeof(l), k->last_ts_ns, 0);
	if (k->recovered) {
		snprintf(state, sizeof(state), "UNPUBLISHED, %lld bad sigs", (long long)k->sig_uses);
		tui_putf(y, 0, COLS, sel ? TUI_SEL : TUI_BAD, 1, "%-14.14s %5d %3d %-9s %.8s %.8s %5s %s",
			 show_zone ? k->zone : "", k->tag, k->algorithm, "recovered", f, l, "-", state);
		return;
	}
	snprintf(state, sizeof(state), "%s%s", k->sig_valid > 0 ? "signing" : "published",
		 k->shared ? ", TAG SHARED" : "");
	char fl[16];
	snprintf(fl, sizeof(fl), "%d %s", k->flags, k->flags & 1 ? "KSK" : "ZSK");
	tui_putf(y, 0, COLS, sel ? TUI_SEL : k->shared ? TUI_WARN : TUI_NORMAL, 1,
		 "%-14.14s %5d %3d %-9s %.8s %.8s %5lld %s", show_zone ? k->zone : "", k->tag, k->algorithm, fl,
		 f, l, (long long)k->sig_valid, state);
}

void tui_keys_draw(struct tui_app *a)
{
	struct tui_keyview *v = &a->kv;
	int y = tui_body_top(), bottom = tui_body_bottom();
	int nrec = 0, ncol = 0;
	for (int i = 0; i < v->n; i++) {
		nrec += v->k[i].recovered;
		ncol += v->k[i].shared;
	}
	tui_putf(y++, 0, COLS, TUI_NORMAL, 1, "%d keys published, %d recovered (unpublished), %d sharing a tag",
		 v->n - nrec, nrec, ncol);
	if (y <= bottom)
		tui_put(y++, 0, COLS, TUI_HEAD, 1,
			"zone             tag alg flags     first    last     valid state");
	int rows = bottom - y + 1;
	if (rows < 1)
		return;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + rows)
		v->top = v->sel - rows + 1;
	for (int i = v->top; i < v->n && y <= bottom; i++)
		draw_key(y++, &v->k[i], i == v->top || strcmp(v->k[i].zone, v->k[i - 1].zone) != 0, i == v->sel);
	if (v->n == 0 && y <= bottom)
		tui_put(y, 1, COLS - 1, TUI_DIM, 0, "no DNSKEYs in this capture");
}

int tui_keys_key(struct tui_app *a, int ch)
{
	struct tui_keyview *v = &a->kv;
	return tui_list_motion(ch, &v->sel, &v->top, v->n, tui_body_rows() - 2);
}
