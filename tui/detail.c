/* tui/detail.c -- one message decoded the way dig prints it: header,
 * flags, OPT pseudo-section with EDE, the four sections (RDATA through
 * decode/rdata.h), and under each RRSIG its recorded verdict, reason, EDE,
 * the key that verified it (if any) and its validity window at the
 * packet's time. The frame number heads the page. The message bytes come
 * from message_wire_blocks and are parsed again here with dec_msg_parse(); all
 * text is built by decode/ (escaped ASCII) or escaped when drawn. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "decode/msg.h"
#include "decode/names.h"
#include "decode/rdata.h"
#include "tui/screen.h"
#include "tui/view.h"
#include "util/arena.h"
#include "util/escape.h"

#define MAX_CHECKS 256
#define MAX_LINES 4096

static struct tui_check checks[MAX_CHECKS];
static unsigned char used[MAX_CHECKS];

void tui_detail_clear(struct tui_detail *d)
{
	for (int i = 0; i < d->n; i++)
		free(d->line[i]);
	free(d->line);
	free(d->attr);
	d->line = NULL;
	d->attr = NULL;
	d->n = d->cap = d->top = 0;
}

static __attribute__((format(printf, 3, 4))) void add(struct tui_detail *d, enum tui_attr at, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	if (d->n >= MAX_LINES)
		return;
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 64;
		char **l = realloc(d->line, (size_t)cap * sizeof(*l));
		if (!l)
			return;
		d->line = l;
		unsigned char *t = realloc(d->attr, (size_t)cap);
		if (!t)
			return;
		d->attr = t;
		d->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* Escaped here too: the detail lines hold printable ASCII only. */
	char esc[8192];
	st_escape_printable(esc, sizeof(esc), buf);
	char *s = strdup(esc);
	if (!s)
		return;
	d->line[d->n] = s;
	d->attr[d->n++] = (unsigned char)at;
}

/* Serial-number (RFC 1982) comparison of 32-bit times. */
static int32_t serial_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static void sig_times(char *dst, size_t len, int64_t sec)
{
	tui_fmt_time(dst, len, sec * 1000000000LL, 1);
}

static void check_line(struct tui_detail *d, const struct tui_check *c, int64_t ts_ns)
{
	char inc[32], exp[32], algb[32];
	uint32_t now = (uint32_t)(ts_ns / 1000000000LL);
	sig_times(inc, sizeof(inc), c->inception);
	sig_times(exp, sizeof(exp), c->expiration);
	const char *when = serial_diff(now, (uint32_t)c->inception) < 0 ? "NOT YET VALID at packet time" :
			   serial_diff(now, (uint32_t)c->expiration) > 0 ? "EXPIRED at packet time" :
			   "in window at packet time";
	int bad = strcmp(c->verdict, "valid") != 0;
	enum tui_attr at = bad ? TUI_BAD : TUI_GOOD;
	if (c->ede >= 0) {
		const char *en = dec_ede_name((uint16_t)c->ede);
		add(d, at, "    ; %s: %s, EDE %d (%s), chain %s", c->verdict, c->reason, c->ede,
		    en ? en : "?", c->chain);
	} else {
		add(d, at, "    ; %s: %s, chain %s", c->verdict, c->reason, c->chain);
	}
	const char *alg = dec_algorithm_name((uint8_t)c->algorithm, algb, sizeof(algb));
	if (c->key_flags >= 0)
		add(d, TUI_NORMAL, "    ; key %s %d %s: verifies with the published %s (flags %d)",
		    c->zone, c->key_tag, alg, c->key_flags & 1 ? "KSK" : "ZSK", c->key_flags);
	else
		add(d, bad ? TUI_WARN : TUI_NORMAL, "    ; key %s %d %s: no published key verifies it",
		    c->zone, c->key_tag, alg);
	add(d, serial_diff(now, (uint32_t)c->inception) < 0 || serial_diff(now, (uint32_t)c->expiration) > 0 ?
	    TUI_BAD : TUI_NORMAL, "    ; validity %s - %s, %s", inc, exp, when);
}

static void rr_lines(struct tui_detail *d, const struct dec_msg *m, const struct dec_rr *rr,
		     int nchecks, int64_t ts_ns, int question)
{
	char owner[DEC_NAME_TEXT_MAX], tyb[32], clb[32];
	static char rdata[65536 * 4];
	dec_name_to_text(&rr->owner, owner, sizeof(owner));
	const char *ty = dec_type_name(rr->type, tyb, sizeof(tyb));
	const char *cl = dec_class_name(rr->rclass, clb, sizeof(clb));
	(void)question;
	dec_rdata_to_text(m, rr, rdata, sizeof(rdata));
	add(d, TUI_NORMAL, "%s %u %s %s %.7000s", owner, rr->ttl, cl, ty, rdata);
	if (rr->type != DEC_T_RRSIG)
		return;
	struct dec_rrsig sig;
	const char *why = NULL;
	if (dec_rrsig_parse(m, rr, &sig, &why) != 0) {
		add(d, TUI_BAD, "    ; RRSIG does not parse: %s", why ? why : "?");
		return;
	}
	for (int i = 0; i < nchecks; i++) {
		const struct tui_check *c = &checks[i];
		if (used[i] || c->type_covered != sig.type_covered || c->key_tag != sig.key_tag ||
		    c->algorithm != sig.algorithm || (uint32_t)c->inception != sig.inception ||
		    (uint32_t)c->expiration != sig.expiration || strcasecmp(c->owner, owner) != 0)
			continue;
		used[i] = 1;
		check_line(d, c, ts_ns);
		return;
	}
	add(d, TUI_DIM, "    ; no check recorded for this RRSIG");
}

static void opt_lines(struct tui_detail *d, const struct dec_msg *m)
{
	const struct dec_edns *e = &m->edns;
	add(d, TUI_HEAD, ";; OPT PSEUDOSECTION:");
	add(d, TUI_NORMAL, "; EDNS: version: %u, flags:%s; udp: %u", e->version, e->do_bit ? " do" : "",
	    e->udp_size);
	for (int i = 0; i < e->nede; i++) {
		char text[2048];
		const struct dec_ede *x = &e->ede[i];
		size_t tl = x->text_off + (size_t)x->text_len <= m->len ? x->text_len : 0;
		st_escape_text(text, sizeof(text), m->wire + x->text_off, tl);
		const char *nm = dec_ede_name(x->code);
		add(d, TUI_WARN, "; EDE: %u (%s): (%s)", x->code, nm ? nm : "Unassigned", text);
	}
	for (int i = 0; i < e->nopt; i++) {
		char nmb[32];
		const struct dec_opt *o = &e->opt[i];
		if (o->code == 15)
			continue;
		const char *nm = dec_option_name(o->code, nmb, sizeof(nmb));
		if (o->code == 3 && o->off + (size_t)o->len <= m->len) {
			char text[1024];
			st_escape_text(text, sizeof(text), m->wire + o->off, o->len);
			add(d, TUI_NORMAL, "; NSID: (\"%s\")", text);
		} else {
			add(d, TUI_NORMAL, "; %s: %u bytes", nm, o->len);
		}
	}
}

static void build(struct tui_app *a, const struct tui_msg_full *f)
{
	struct tui_detail *d = &a->dt;
	const struct tui_msg *r = &f->m;
	char t[32], ms[32];
	tui_fmt_time(t, sizeof(t), r->ts_ns, 1);
	tui_fmt_time(ms, sizeof(ms), r->ts_ns, 0);
	add(d, TUI_HEAD, "frame %lld (capture %d)  message #%lld  %s%s UTC", (long long)r->frame, r->capture_id,
	    (long long)r->id, t, ms + 8);
	add(d, TUI_NORMAL, ";; %s#%d -> %s#%d  %s  %zu bytes%s", r->src, r->src_port, r->dst, r->dst_port,
	    f->transport, f->wire_len, r->qr && f->query_id ? "" : "");
	if (r->qr && f->query_id)
		add(d, TUI_NORMAL, ";; answers query #%lld after %.3f ms", (long long)f->query_id,
		    (double)f->latency_ns / 1e6);
	if (f->malformed[0])
		add(d, TUI_BAD, ";; MALFORMED: %s", f->malformed);
	if (!f->wire) {
		add(d, TUI_BAD, ";; no message bytes stored");
		return;
	}
	struct st_arena *ar = st_arena_new(1 << 24);
	if (!ar) {
		add(d, TUI_BAD, ";; out of memory");
		return;
	}
	struct dec_msg m;
	int rc = dec_msg_parse(&m, f->wire, f->wire_len, ar);
	char opb[32], rcb[32], ty[32], cl[32], qn[DEC_NAME_TEXT_MAX];
	const char *op = dec_opcode_name(m.opcode, opb, sizeof(opb));
	const char *rcn = dec_rcode_name(m.rcode_full, rcb, sizeof(rcb));
	add(d, m.rcode_full == 2 ? TUI_BAD : TUI_NORMAL, ";; ->>HEADER<<- opcode: %s, status: %s, id: %u",
	    op, rcn, m.id);
	add(d, TUI_NORMAL, ";; flags:%s%s%s%s%s%s%s; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u",
	    m.qr ? " qr" : "", m.aa ? " aa" : "", m.tc ? " tc" : "", m.rd ? " rd" : "", m.ra ? " ra" : "",
	    m.ad ? " ad" : "", m.cd ? " cd" : "", m.qdcount, m.ancount, m.nscount, m.arcount);
	if (rc != 0)
		add(d, TUI_BAD, ";; parse stopped at offset %zu: %s", m.err_off, m.why ? m.why : "?");
	if (m.edns.present) {
		add(d, TUI_NORMAL, "%s", "");
		opt_lines(d, &m);
	}
	int nchecks = tui_db_checks(a->db, r->id, checks, MAX_CHECKS);
	memset(used, 0, sizeof(used));
	if (m.has_question) {
		add(d, TUI_NORMAL, "%s", "");
		add(d, TUI_HEAD, ";; QUESTION SECTION:");
		dec_name_to_text(&m.qname, qn, sizeof(qn));
		add(d, TUI_NORMAL, ";%s %s %s", qn, dec_class_name(m.qclass, cl, sizeof(cl)),
		    dec_type_name(m.qtype, ty, sizeof(ty)));
	}
	static const char *const secs[] = { "", "ANSWER", "AUTHORITY", "ADDITIONAL" };
	for (int s = DEC_SEC_AN; s <= DEC_SEC_AR; s++) {
		int shown = 0;
		for (int i = 0; i < m.nrr; i++) {
			const struct dec_rr *rr = &m.rr[i];
			if (rr->section != s || rr->type == DEC_T_OPT)
				continue;
			if (!shown++) {
				add(d, TUI_NORMAL, "%s", "");
				add(d, TUI_HEAD, ";; %s SECTION:", secs[s]);
			}
			rr_lines(d, &m, rr, nchecks, r->ts_ns, 0);
		}
	}
	for (int i = 0; i < nchecks; i++) {
		if (used[i])
			continue;
		add(d, TUI_DIM, ";; check of an RRSIG not shown above: %s %d", checks[i].owner, checks[i].type_covered);
		check_line(d, &checks[i], r->ts_ns);
	}
	if (f->expected[0]) {
		add(d, TUI_NORMAL, "%s", "");
		if (f->exp_ede >= 0)
			add(d, strcmp(f->expected, "secure") ? TUI_BAD : TUI_GOOD,
			    ";; a validator should conclude: %s (%s), EDE %d", f->expected,
			    f->exp_reason[0] ? f->exp_reason : "-", f->exp_ede);
		else
			add(d, strcmp(f->expected, "secure") ? TUI_BAD : TUI_GOOD,
			    ";; a validator should conclude: %s%s%s", f->expected,
			    f->exp_reason[0] ? " " : "", f->exp_reason);
	}
	add(d, TUI_DIM, ";; MSG SIZE  rcvd: %zu", f->wire_len);
	st_arena_free(ar);
}

void tui_detail_open(struct tui_app *a, int64_t id)
{
	struct tui_detail *d = &a->dt;
	struct tui_msg_full f;
	tui_detail_clear(d);
	d->id = id;
	d->back = a->view == TUI_DETAIL ? d->back : a->view;
	if (tui_db_message(a->db, id, &f) != 0) {
		tui_status(a, "message #%lld is not in the database", (long long)id);
		return;
	}
	build(a, &f);
	free(f.wire);
	d->hscroll = 0;
	a->view = TUI_DETAIL;
}

void tui_detail_draw(struct tui_app *a)
{
	struct tui_detail *d = &a->dt;
	int y = tui_body_top(), bottom = tui_body_bottom();
	for (int i = d->top; i < d->n && y <= bottom; i++, y++) {
		const char *s = d->line[i];
		size_t len = strlen(s);
		tui_put(y, 0, COLS, (enum tui_attr)d->attr[i], 0, (size_t)d->hscroll < len ? s + d->hscroll : "");
	}
}

int tui_detail_key(struct tui_app *a, int ch)
{
	struct tui_detail *d = &a->dt;
	int rows = tui_body_rows(), maxtop = d->n - rows > 0 ? d->n - rows : 0;
	switch (ch) {
	case KEY_UP: case 'k': d->top--; break;
	case KEY_DOWN: case 'j': d->top++; break;
	case KEY_PPAGE: case 'b': d->top -= rows - 1; break;
	case KEY_NPAGE: case ' ': d->top += rows - 1; break;
	case KEY_HOME: case 'g': d->top = 0; d->hscroll = 0; break;
	case KEY_END: case 'G': d->top = maxtop; break;
	case KEY_RIGHT: case 'l': d->hscroll += 16; break;
	case KEY_LEFT: case 'h': d->hscroll = d->hscroll > 16 ? d->hscroll - 16 : 0; break;
	case 27: case 'q': case KEY_BACKSPACE: case 127:
		a->view = d->back;
		return 1;
	default:
		return 0;
	}
	if (d->top > maxtop)
		d->top = maxtop;
	if (d->top < 0)
		d->top = 0;
	return 1;
}
