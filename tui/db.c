/* tui/db.c -- the browser's queries (tui/db.h). Constant SQL, bound
 * values; message lists are keyset-paged on messages.id and driven by the
 * most selective indexed filter (docs/tui.md, "Queries"). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/db.h"
#include "analyze/wire_blocks.h"
#include "tui/db.h"

/* Columns of a message list row (struct tui_msg). */
#define MSG_COLS "m.id, m.ts_ns, m.frame, m.capture_id, m.qr, m.rcode, m.qtype," \
	" m.src_addr, m.src_port, m.dst_addr, m.dst_port, m.qname," \
	" (SELECT group_concat(e2.code) FROM ede e2 WHERE e2.message_id = m.id)," \
	" (SELECT v2.expected FROM response_verdicts v2 WHERE v2.message_id = m.id)"
/* Every filter, as a residual condition: ?2 name, ?3 zone, ?12 "." zone,
 * ?5 resolver, ?6 verdict, ?7 rcode, ?8 EDE code, ?9/?10 time range. */
#define MSG_FILTERS \
	" AND (?2 IS NULL OR m.qname = ?2)" \
	" AND (?3 IS NULL OR lower(m.qname) = ?3 OR lower(substr(m.qname, -length(?12))) = ?12)" \
	" AND (?5 IS NULL OR m.src_addr = ?5 OR m.dst_addr = ?5)" \
	" AND (?6 IS NULL OR EXISTS (SELECT 1 FROM response_verdicts v WHERE v.message_id = m.id AND v.expected = ?6))" \
	" AND (?7 IS NULL OR (m.qr = 1 AND m.rcode = ?7))" \
	" AND (?8 IS NULL OR EXISTS (SELECT 1 FROM ede e WHERE e.message_id = m.id AND e.code = ?8))" \
	" AND (?9 IS NULL OR (m.ts_ns >= ?9 AND m.ts_ns < ?10))"
#define MSG_FWD(from_where) "SELECT " MSG_COLS " FROM " from_where " AND m.id > ?1" MSG_FILTERS \
	" GROUP BY m.id ORDER BY m.id LIMIT ?11"
#define MSG_BACK(from_where) "SELECT " MSG_COLS " FROM " from_where " AND m.id < ?1" MSG_FILTERS \
	" GROUP BY m.id ORDER BY m.id DESC LIMIT ?11"

/* Which index drives a message list: the first filter set, in this order. */
enum drv { DRV_NAME, DRV_TIME, DRV_EDE, DRV_RCODE, DRV_VERDICT, DRV_ID, DRV_N };
#define D_NAME "messages m WHERE m.qname = ?2"
#define D_TIME "messages m WHERE m.ts_ns >= ?9 AND m.ts_ns < ?10"
#define D_EDE "ede x JOIN messages m ON m.id = x.message_id WHERE x.code = ?8"
#define D_RCODE "messages m WHERE m.rcode = ?7 AND m.qr = 1"
#define D_VERDICT "response_verdicts x JOIN messages m ON m.id = x.message_id WHERE x.expected = ?6"
#define D_ID "messages m WHERE 1"

enum stmt {
	Q_FWD, Q_BACK = Q_FWD + DRV_N, Q_VERSION = Q_BACK + DRV_N, Q_SPAN, Q_BUCKET_NS,
	Q_INCIDENTS, Q_INCIDENT_COUNT, Q_SIG_SERIES, Q_RES_SERIES, Q_EDE_SERIES,
	Q_SIG_BUCKET, Q_RES_BUCKET, Q_MESSAGE, Q_CHECKS, Q_KEYS, Q_RECOVERED, Q_N
};

static const char *const stmt_sql[Q_N] = {
	[Q_FWD + DRV_NAME] = MSG_FWD(D_NAME),
	[Q_FWD + DRV_TIME] = MSG_FWD(D_TIME),
	[Q_FWD + DRV_EDE] = MSG_FWD(D_EDE),
	[Q_FWD + DRV_RCODE] = MSG_FWD(D_RCODE),
	[Q_FWD + DRV_VERDICT] = MSG_FWD(D_VERDICT),
	[Q_FWD + DRV_ID] = MSG_FWD(D_ID),
	[Q_BACK + DRV_NAME] = MSG_BACK(D_NAME),
	[Q_BACK + DRV_TIME] = MSG_BACK(D_TIME),
	[Q_BACK + DRV_EDE] = MSG_BACK(D_EDE),
	[Q_BACK + DRV_RCODE] = MSG_BACK(D_RCODE),
	[Q_BACK + DRV_VERDICT] = MSG_BACK(D_VERDICT),
	[Q_BACK + DRV_ID] = MSG_BACK(D_ID),
	[Q_VERSION] = "PRAGMA data_version",
	[Q_SPAN] = "SELECT (SELECT min(ts_ns) FROM messages), (SELECT max(ts_ns) FROM messages),"
		   " (SELECT max(id) FROM messages)",
	[Q_BUCKET_NS] = "SELECT bucket_ns FROM resolver_buckets LIMIT 1",
	[Q_INCIDENTS] = "SELECT id, zone, start_ns, end_ns, first_servfail_ns, recovered_ns,"
			" peak_servfail_ratio, names, clients, root_cause, reason, ede_codes, zones"
			" FROM incidents ORDER BY start_ns, id LIMIT ?1",
	[Q_INCIDENT_COUNT] = "SELECT count(*) FROM incidents",
	[Q_SIG_SERIES] = "SELECT (bucket_start_ns - ?1) / ?2, sum(valid), sum(bogus) FROM sig_buckets"
			 " WHERE bucket_start_ns >= ?1 AND bucket_start_ns < ?3 GROUP BY 1",
	[Q_RES_SERIES] = "SELECT (bucket_start_ns - ?1) / ?2, sum(responses), sum(servfail) FROM resolver_buckets"
			 " WHERE bucket_start_ns >= ?1 AND bucket_start_ns < ?3 GROUP BY 1",
	[Q_EDE_SERIES] = "SELECT (bucket_start_ns - ?1) / ?2, ede_codes FROM resolver_buckets"
			 " WHERE bucket_start_ns >= ?1 AND bucket_start_ns < ?3 AND ede_codes IS NOT NULL",
	[Q_SIG_BUCKET] = "SELECT valid, bogus, by_reason FROM sig_buckets"
			 " WHERE bucket_start_ns >= ?1 AND bucket_start_ns < ?2",
	[Q_RES_BUCKET] = "SELECT resolver, responses, servfail, ede_codes FROM resolver_buckets"
			 " WHERE bucket_start_ns >= ?1 AND bucket_start_ns < ?2",
	/* the message's bytes are an entry of its block (analyze/wire_blocks.h) */
	[Q_MESSAGE] = "SELECT " MSG_COLS ", m.transport, m.malformed, m.latency_ns, m.query_id,"
		      " (SELECT w.wires FROM message_wire_blocks w WHERE w.first_id <= m.id"
		      "  ORDER BY w.first_id DESC LIMIT 1),"
		      " v.expected, v.reason, v.ede,"
		      " m.id - (SELECT max(w.first_id) FROM message_wire_blocks w WHERE w.first_id <= m.id)"
		      " FROM messages m"
		      " LEFT JOIN response_verdicts v ON v.message_id = m.id WHERE m.id = ?1",
	[Q_CHECKS] = "SELECT s.owner, s.zone, c.verdict, c.reason, c.chain, s.type_covered, s.key_tag,"
		     " s.algorithm, c.ede, s.inception, s.expiration, s.key_id, k.flags"
		     " FROM sig_checks c JOIN signatures s ON s.id = c.signature_id"
		     " LEFT JOIN keys k ON k.id = s.key_id WHERE c.message_id = ?1 LIMIT ?2",
	[Q_KEYS] = "SELECT k.zone, k.tag, k.algorithm, k.flags, k.key_bits, k.first_ts_ns, k.last_ts_ns,"
		   " k.seen, k.tag_collision, k.fingerprint,"
		   " (SELECT sum(s.uses) FROM signatures s WHERE s.zone = k.zone AND s.key_tag = k.tag"
		   "  AND s.key_id = k.id),"
		   " (SELECT sum(s.valid) FROM signatures s WHERE s.zone = k.zone AND s.key_tag = k.tag"
		   "  AND s.key_id = k.id)"
		   " FROM keys k ORDER BY k.zone, k.first_ts_ns, k.id LIMIT ?1",
	[Q_RECOVERED] = "SELECT zone, algorithm, signature_tag, tag_zsk, tag_ksk, fingerprint, signatures,"
			" first_ts_ns, last_ts_ns FROM recovered_keys ORDER BY zone, first_ts_ns LIMIT ?1",
};

struct tui_db {
	sqlite3 *h;
	sqlite3_stmt *st[Q_N];
	int64_t version;
};

struct tui_db *tui_db_open(const char *path, char *err, size_t errlen)
{
	sqlite3 *h = an_db_open_read(path, err, errlen);
	if (!h)
		return NULL;
	struct tui_db *db = calloc(1, sizeof(*db));
	if (!db) {
		snprintf(err, errlen, "out of memory");
		sqlite3_close(h);
		return NULL;
	}
	db->h = h;
	sqlite3_busy_timeout(h, 200);
	for (int i = 0; i < Q_N; i++) {
		if (sqlite3_prepare_v3(h, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &db->st[i], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(h));
			tui_db_close(db);
			return NULL;
		}
	}
	db->version = -1;
	(void)tui_db_changed(db);
	return db;
}

void tui_db_close(struct tui_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < Q_N; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->h);
	free(db);
}

static sqlite3_stmt *q(struct tui_db *db, enum stmt i)
{
	sqlite3_stmt *s = db->st[i];
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

static int64_t col_i64(sqlite3_stmt *s, int i, int64_t dflt)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? dflt : sqlite3_column_int64(s, i);
}

/* Copies a text column (untrusted bytes, possibly NULL) into dst. */
static void col_text(sqlite3_stmt *s, int i, char *dst, size_t len)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(s, i) : 0;
	if (n >= len)
		n = len - 1;
	if (n)
		memcpy(dst, t, n);
	dst[n] = '\0';
	for (size_t k = 0; k < n; k++)
		if (dst[k] == '\0')
			dst[k] = '?';
}

int tui_db_changed(struct tui_db *db)
{
	sqlite3_stmt *s = q(db, Q_VERSION);
	int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : db->version;
	sqlite3_reset(s);
	int changed = db->version != -1 && v != db->version;
	db->version = v;
	return changed;
}

void tui_db_span(struct tui_db *db, int64_t *t0, int64_t *t1)
{
	sqlite3_stmt *s = q(db, Q_SPAN);
	*t0 = *t1 = 0;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*t0 = col_i64(s, 0, 0);
		*t1 = col_i64(s, 1, 0);
	}
	sqlite3_reset(s);
}

int64_t tui_db_max_id(struct tui_db *db)
{
	sqlite3_stmt *s = q(db, Q_SPAN);
	int64_t v = sqlite3_step(s) == SQLITE_ROW ? col_i64(s, 2, 0) : 0;
	sqlite3_reset(s);
	return v;
}

int64_t tui_db_bucket_ns(struct tui_db *db)
{
	sqlite3_stmt *s = q(db, Q_BUCKET_NS);
	int64_t v = sqlite3_step(s) == SQLITE_ROW ? col_i64(s, 0, 0) : 0;
	sqlite3_reset(s);
	return v > 0 ? v : 1000000000;
}

int tui_db_incidents(struct tui_db *db, struct tui_incident *out, int max)
{
	sqlite3_stmt *s = q(db, Q_INCIDENTS);
	sqlite3_bind_int(s, 1, max);
	int n = 0;
	while (n < max && sqlite3_step(s) == SQLITE_ROW) {
		struct tui_incident *x = &out[n++];
		x->id = col_i64(s, 0, 0);
		col_text(s, 1, x->zone, sizeof(x->zone));
		x->start_ns = col_i64(s, 2, 0);
		x->end_ns = col_i64(s, 3, 0);
		x->first_servfail_ns = col_i64(s, 4, 0);
		x->recovered_ns = col_i64(s, 5, 0);
		x->peak_servfail = sqlite3_column_double(s, 6);
		x->names = col_i64(s, 7, 0);
		x->clients = col_i64(s, 8, 0);
		col_text(s, 9, x->root_cause, sizeof(x->root_cause));
		col_text(s, 10, x->reason, sizeof(x->reason));
		col_text(s, 11, x->ede_codes, sizeof(x->ede_codes));
		col_text(s, 12, x->zones, sizeof(x->zones));
	}
	sqlite3_reset(s);
	return n;
}

int64_t tui_db_incident_count(struct tui_db *db)
{
	sqlite3_stmt *s = q(db, Q_INCIDENT_COUNT);
	int64_t v = sqlite3_step(s) == SQLITE_ROW ? col_i64(s, 0, 0) : 0;
	sqlite3_reset(s);
	return v;
}

int tui_series_alloc(struct tui_series *s, int n)
{
	memset(s, 0, sizeof(*s));
	double *v = calloc((size_t)(n > 0 ? n : 1) * 5, sizeof(double));
	if (!v)
		return -1;
	s->n = n;
	s->valid = v;
	s->bogus = v + n;
	s->responses = v + 2 * n;
	s->servfail = v + 3 * n;
	s->ede = v + 4 * n;
	return 0;
}

void tui_series_free(struct tui_series *s)
{
	free(s->valid);
	memset(s, 0, sizeof(*s));
}

/* Calls fn for each "key:count" of a "key:count,..." list. */
static void each_count(const char *list, void (*fn)(void *, const char *, size_t, int64_t), void *arg)
{
	while (list && *list) {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);
		const char *colon = memchr(list, ':', len);
		if (colon)
			fn(arg, list, (size_t)(colon - list), strtoll(colon + 1, NULL, 10));
		list = comma ? comma + 1 : NULL;
	}
}

static void add_total(void *arg, const char *key, size_t klen, int64_t n)
{
	(void)key;
	(void)klen;
	*(double *)arg += (double)n;
}

void tui_db_series(struct tui_db *db, int64_t t0, int64_t width, struct tui_series *out)
{
	memset(out->valid, 0, (size_t)out->n * 5 * sizeof(double));
	if (width <= 0 || out->n <= 0)
		return;
	int64_t t1 = t0 + width * out->n;
	sqlite3_stmt *s = q(db, Q_SIG_SERIES);
	sqlite3_bind_int64(s, 1, t0);
	sqlite3_bind_int64(s, 2, width);
	sqlite3_bind_int64(s, 3, t1);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int64_t i = sqlite3_column_int64(s, 0);
		if (i >= 0 && i < out->n) {
			out->valid[i] = (double)sqlite3_column_int64(s, 1);
			out->bogus[i] = (double)sqlite3_column_int64(s, 2);
		}
	}
	sqlite3_reset(s);
	s = q(db, Q_RES_SERIES);
	sqlite3_bind_int64(s, 1, t0);
	sqlite3_bind_int64(s, 2, width);
	sqlite3_bind_int64(s, 3, t1);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int64_t i = sqlite3_column_int64(s, 0);
		if (i >= 0 && i < out->n) {
			out->responses[i] = (double)sqlite3_column_int64(s, 1);
			out->servfail[i] = (double)sqlite3_column_int64(s, 2);
		}
	}
	sqlite3_reset(s);
	s = q(db, Q_EDE_SERIES);
	sqlite3_bind_int64(s, 1, t0);
	sqlite3_bind_int64(s, 2, width);
	sqlite3_bind_int64(s, 3, t1);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int64_t i = sqlite3_column_int64(s, 0);
		if (i >= 0 && i < out->n)
			each_count((const char *)sqlite3_column_text(s, 1), add_total, &out->ede[i]);
	}
	sqlite3_reset(s);
}

/* Adds n (and of) to the row called key[0..klen) of a capped table. */
static void count_add(struct tui_count *t, int *nt, const char *key, size_t klen, int64_t n, int64_t of)
{
	char name[sizeof(t->name)];
	if (klen >= sizeof(name))
		klen = sizeof(name) - 1;
	memcpy(name, key, klen);
	name[klen] = '\0';
	for (int i = 0; i < *nt; i++) {
		if (strcmp(t[i].name, name) == 0) {
			t[i].n += n;
			t[i].of += of;
			return;
		}
	}
	if (*nt == TUI_BUCKET_ROWS) {
		/* Full: count it under the last row, renamed "other". */
		snprintf(t[*nt - 1].name, sizeof(t->name), "other");
		t[*nt - 1].n += n;
		t[*nt - 1].of += of;
		return;
	}
	snprintf(t[*nt].name, sizeof(t->name), "%s", name);
	t[*nt].n = n;
	t[*nt].of = of;
	(*nt)++;
}

static void add_reason(void *arg, const char *key, size_t klen, int64_t n)
{
	struct tui_bucket *b = arg;
	count_add(b->reason, &b->nreason, key, klen, n, 0);
}

static void add_ede(void *arg, const char *key, size_t klen, int64_t n)
{
	struct tui_bucket *b = arg;
	count_add(b->ede, &b->nede, key, klen, n, 0);
}

static int count_cmp(const void *a, const void *b)
{
	const struct tui_count *x = a, *y = b;
	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

void tui_db_bucket(struct tui_db *db, int64_t t0, int64_t t1, struct tui_bucket *b)
{
	memset(b, 0, sizeof(*b));
	sqlite3_stmt *s = q(db, Q_SIG_BUCKET);
	sqlite3_bind_int64(s, 1, t0);
	sqlite3_bind_int64(s, 2, t1);
	while (sqlite3_step(s) == SQLITE_ROW) {
		b->valid += sqlite3_column_int64(s, 0);
		b->bogus += sqlite3_column_int64(s, 1);
		each_count((const char *)sqlite3_column_text(s, 2), add_reason, b);
	}
	sqlite3_reset(s);
	s = q(db, Q_RES_BUCKET);
	sqlite3_bind_int64(s, 1, t0);
	sqlite3_bind_int64(s, 2, t1);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(s, 0);
		count_add(b->resolver, &b->nresolver, r ? r : "", r ? strlen(r) : 0,
			  sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 1));
		each_count((const char *)sqlite3_column_text(s, 3), add_ede, b);
	}
	sqlite3_reset(s);
	qsort(b->reason, (size_t)b->nreason, sizeof(b->reason[0]), count_cmp);
	qsort(b->resolver, (size_t)b->nresolver, sizeof(b->resolver[0]), count_cmp);
	qsort(b->ede, (size_t)b->nede, sizeof(b->ede[0]), count_cmp);
}

void tui_filter_clear(struct tui_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->rcode = -1;
	f->ede = -1;
}

static enum drv pick_driver(const struct tui_filter *f)
{
	if (f->name[0])
		return DRV_NAME;
	if (f->t1 > f->t0)
		return DRV_TIME;
	if (f->ede >= 0)
		return DRV_EDE;
	if (f->rcode >= 0)
		return DRV_RCODE;
	if (f->verdict[0])
		return DRV_VERDICT;
	return DRV_ID;
}

static void read_msg(sqlite3_stmt *s, struct tui_msg *m)
{
	m->id = col_i64(s, 0, 0);
	m->ts_ns = col_i64(s, 1, 0);
	m->frame = col_i64(s, 2, 0);
	m->capture_id = (int)col_i64(s, 3, 0);
	m->qr = (int)col_i64(s, 4, 0);
	m->rcode = (int)col_i64(s, 5, -1);
	m->qtype = (int)col_i64(s, 6, -1);
	col_text(s, 7, m->src, sizeof(m->src));
	m->src_port = (int)col_i64(s, 8, 0);
	col_text(s, 9, m->dst, sizeof(m->dst));
	m->dst_port = (int)col_i64(s, 10, 0);
	col_text(s, 11, m->qname, sizeof(m->qname));
	col_text(s, 12, m->ede, sizeof(m->ede));
	col_text(s, 13, m->verdict, sizeof(m->verdict));
}

int tui_db_messages(struct tui_db *db, const struct tui_filter *f, int64_t after, int dir,
		    struct tui_msg *out, int max)
{
	enum drv d = pick_driver(f);
	sqlite3_stmt *s = q(db, (enum stmt)((dir > 0 ? Q_FWD : Q_BACK) + d));
	char lzone[TUI_TEXT], dotzone[TUI_TEXT + 1];
	sqlite3_bind_int64(s, 1, after);
	if (f->name[0])
		sqlite3_bind_text(s, 2, f->name, -1, SQLITE_STATIC);
	if (f->zone[0] && strcmp(f->zone, ".") != 0) {
		size_t n = strlen(f->zone);
		for (size_t i = 0; i <= n; i++)
			lzone[i] = (char)(f->zone[i] >= 'A' && f->zone[i] <= 'Z' ? f->zone[i] + 32 : f->zone[i]);
		snprintf(dotzone, sizeof(dotzone), ".%s", lzone);
		sqlite3_bind_text(s, 3, lzone, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 12, dotzone, -1, SQLITE_STATIC);
	}
	if (f->resolver[0])
		sqlite3_bind_text(s, 5, f->resolver, -1, SQLITE_STATIC);
	if (f->verdict[0])
		sqlite3_bind_text(s, 6, f->verdict, -1, SQLITE_STATIC);
	if (f->rcode >= 0)
		sqlite3_bind_int(s, 7, f->rcode);
	if (f->ede >= 0)
		sqlite3_bind_int(s, 8, f->ede);
	if (f->t1 > f->t0) {
		sqlite3_bind_int64(s, 9, f->t0);
		sqlite3_bind_int64(s, 10, f->t1);
	}
	sqlite3_bind_int(s, 11, max);
	int n = 0, rc;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		read_msg(s, &out[n++]);
	rc = sqlite3_reset(s);
	if (rc != SQLITE_OK)
		return -1;
	if (dir < 0) {
		for (int i = 0; i < n / 2; i++) {
			struct tui_msg t = out[i];
			out[i] = out[n - 1 - i];
			out[n - 1 - i] = t;
		}
	}
	return n;
}

int tui_db_message(struct tui_db *db, int64_t id, struct tui_msg_full *out)
{
	memset(out, 0, sizeof(*out));
	out->exp_ede = -1;
	sqlite3_stmt *s = q(db, Q_MESSAGE);
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return -1;
	}
	read_msg(s, &out->m);
	col_text(s, 14, out->transport, sizeof(out->transport));
	col_text(s, 15, out->malformed, sizeof(out->malformed));
	out->latency_ns = col_i64(s, 16, 0);
	out->query_id = col_i64(s, 17, 0);
	const uint8_t *w = NULL;
	size_t wl = 0;
	const void *block = sqlite3_column_blob(s, 18);
	int blen = sqlite3_column_bytes(s, 18);
	if (block && blen > 0 && sqlite3_column_type(s, 22) == SQLITE_INTEGER &&
	    an_wire_block_entry(block, (size_t)blen, sqlite3_column_int64(s, 22), &w, &wl) &&
	    wl > 0 && (out->wire = malloc(wl))) {
		memcpy(out->wire, w, wl);
		out->wire_len = wl;
	}
	col_text(s, 19, out->expected, sizeof(out->expected));
	col_text(s, 20, out->exp_reason, sizeof(out->exp_reason));
	out->exp_ede = (int)col_i64(s, 21, -1);
	sqlite3_reset(s);
	return 0;
}

int tui_db_checks(struct tui_db *db, int64_t message_id, struct tui_check *out, int max)
{
	sqlite3_stmt *s = q(db, Q_CHECKS);
	sqlite3_bind_int64(s, 1, message_id);
	sqlite3_bind_int(s, 2, max);
	int n = 0;
	while (n < max && sqlite3_step(s) == SQLITE_ROW) {
		struct tui_check *c = &out[n++];
		col_text(s, 0, c->owner, sizeof(c->owner));
		col_text(s, 1, c->zone, sizeof(c->zone));
		col_text(s, 2, c->verdict, sizeof(c->verdict));
		col_text(s, 3, c->reason, sizeof(c->reason));
		col_text(s, 4, c->chain, sizeof(c->chain));
		c->type_covered = (int)col_i64(s, 5, 0);
		c->key_tag = (int)col_i64(s, 6, 0);
		c->algorithm = (int)col_i64(s, 7, 0);
		c->ede = (int)col_i64(s, 8, -1);
		c->inception = col_i64(s, 9, 0);
		c->expiration = col_i64(s, 10, 0);
		c->key_id = col_i64(s, 11, 0);
		c->key_flags = (int)col_i64(s, 12, -1);
	}
	sqlite3_reset(s);
	return n;
}

static int key_cmp(const void *a, const void *b)
{
	const struct tui_key *x = a, *y = b;
	int c = strcmp(x->zone, y->zone);
	if (c)
		return c;
	if (x->recovered != y->recovered)
		return x->recovered - y->recovered;
	return x->first_ts_ns < y->first_ts_ns ? -1 : x->first_ts_ns > y->first_ts_ns;
}

int tui_db_keys(struct tui_db *db, struct tui_key *out, int max)
{
	sqlite3_stmt *s = q(db, Q_KEYS);
	sqlite3_bind_int(s, 1, max);
	int n = 0;
	while (n < max && sqlite3_step(s) == SQLITE_ROW) {
		struct tui_key *k = &out[n++];
		memset(k, 0, sizeof(*k));
		col_text(s, 0, k->zone, sizeof(k->zone));
		k->tag = (int)col_i64(s, 1, 0);
		k->algorithm = (int)col_i64(s, 2, 0);
		k->flags = (int)col_i64(s, 3, 0);
		k->bits = (int)col_i64(s, 4, 0);
		k->first_ts_ns = col_i64(s, 5, 0);
		k->last_ts_ns = col_i64(s, 6, 0);
		k->seen = col_i64(s, 7, 0);
		k->collision = (int)col_i64(s, 8, 0);
		col_text(s, 9, k->fingerprint, sizeof(k->fingerprint));
		k->sig_uses = col_i64(s, 10, 0);
		k->sig_valid = col_i64(s, 11, 0);
	}
	sqlite3_reset(s);
	s = q(db, Q_RECOVERED);
	sqlite3_bind_int(s, 1, max);
	while (n < max && sqlite3_step(s) == SQLITE_ROW) {
		struct tui_key *k = &out[n++];
		memset(k, 0, sizeof(*k));
		k->recovered = 1;
		col_text(s, 0, k->zone, sizeof(k->zone));
		k->algorithm = (int)col_i64(s, 1, 0);
		k->tag = (int)col_i64(s, 2, 0);
		k->tag_zsk = (int)col_i64(s, 3, 0);
		k->tag_ksk = (int)col_i64(s, 4, 0);
		col_text(s, 5, k->fingerprint, sizeof(k->fingerprint));
		k->sig_uses = col_i64(s, 6, 0);
		k->first_ts_ns = col_i64(s, 7, 0);
		k->last_ts_ns = col_i64(s, 8, 0);
	}
	sqlite3_reset(s);
	qsort(out, (size_t)n, sizeof(*out), key_cmp);
	return n;
}
