/* tui/db.h -- every query the browser makes, in one place.
 *
 * struct tui_db owns the read-only sqlite3 handle (from an_db_open_read)
 * and its prepared statements; all SQL is constant, values are bound.
 * Every query uses an index or a small table and is bounded by LIMIT or
 * keyset paging, so a view costs the same on a database of millions of
 * messages. Text handed back is copied into caller-owned buffers, still
 * untrusted: callers escape it (tui/screen.h tui_put) before drawing. */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct tui_db;

#define TUI_TEXT 256

/* NULL with err filled when the file is missing, not a database, of the
 * wrong schema or fails its integrity check. Free with tui_db_close(). */
struct tui_db *tui_db_open(const char *path, char *err, size_t errlen);
void tui_db_close(struct tui_db *db);
/* 1 when another connection committed since the last call (PRAGMA
 * data_version), 0 otherwise. */
int tui_db_changed(struct tui_db *db);
/* First and last message time; 0 and 0 for an empty database. */
void tui_db_span(struct tui_db *db, int64_t *t0, int64_t *t1);
/* Bucket width the analysis used (ns), 1 s when unknown. */
int64_t tui_db_bucket_ns(struct tui_db *db);
/* Highest message id (an instant stand-in for a message count). */
int64_t tui_db_max_id(struct tui_db *db);

struct tui_incident {
	int64_t id, start_ns, end_ns, first_servfail_ns, recovered_ns;
	double peak_servfail;
	int64_t names, clients;
	char zone[TUI_TEXT], root_cause[64], reason[64], ede_codes[TUI_TEXT];
	char zones[TUI_TEXT];
};
/* Up to max incidents ordered by start; returns the count. */
int tui_db_incidents(struct tui_db *db, struct tui_incident *out, int max);
int64_t tui_db_incident_count(struct tui_db *db);

/* Per-column aggregates of the bucket tables for columns
 * [t0 + i*width, t0 + (i+1)*width), i < n. Arrays hold n values each and
 * are zeroed first. ede: responses carrying any EDE code. */
struct tui_series {
	int n;
	double *valid, *bogus, *responses, *servfail, *ede;
};
int tui_series_alloc(struct tui_series *s, int n);
void tui_series_free(struct tui_series *s);
void tui_db_series(struct tui_db *db, int64_t t0, int64_t width, struct tui_series *s);

/* One bucket in detail: verdict counts by reason, SERVFAIL per resolver,
 * EDE codes. Fixed caps, the largest kept. */
#define TUI_BUCKET_ROWS 16
struct tui_count {
	char name[96];
	int64_t n, of;
};
struct tui_bucket {
	int64_t valid, bogus;
	int nreason, nresolver, nede;
	struct tui_count reason[TUI_BUCKET_ROWS];   /* n: bogus checks */
	struct tui_count resolver[TUI_BUCKET_ROWS]; /* n: servfail, of: responses */
	struct tui_count ede[TUI_BUCKET_ROWS];      /* name: code; n: count */
};
void tui_db_bucket(struct tui_db *db, int64_t t0, int64_t t1, struct tui_bucket *b);

/* Message list filter: a NULL/negative field does not filter. Time range
 * [t0, t1) when t1 > t0. */
struct tui_filter {
	char name[TUI_TEXT];     /* exact qname ("" none) */
	char zone[TUI_TEXT];     /* qname at or below ("" none) */
	char resolver[64];       /* source or destination address ("" none) */
	char verdict[16];        /* secure, bogus, indeterminate ("" none) */
	int rcode;               /* -1 none; implies responses */
	int ede;                 /* -1 none */
	int64_t t0, t1;
};
void tui_filter_clear(struct tui_filter *f);

struct tui_msg {
	int64_t id, ts_ns, frame;
	int capture_id, qr, rcode, qtype, src_port, dst_port;
	char src[64], dst[64], qname[TUI_TEXT], ede[32], verdict[16];
};
/* Keyset paging in id order. dir > 0: up to max rows with id > after;
 * dir < 0: up to max rows with id < after, returned in ascending order.
 * Returns the count, or -1 on a database error. */
int tui_db_messages(struct tui_db *db, const struct tui_filter *f, int64_t after, int dir,
		    struct tui_msg *out, int max);

/* One message, for the dig-like view. wire is malloc'd (caller frees). */
struct tui_msg_full {
	struct tui_msg m;
	char transport[8], malformed[TUI_TEXT];
	int64_t latency_ns, query_id;
	uint8_t *wire;
	size_t wire_len;
	char expected[16], exp_reason[64];
	int exp_ede;             /* -1 none */
};
int tui_db_message(struct tui_db *db, int64_t id, struct tui_msg_full *out);

/* RRSIG checks recorded for a message. */
struct tui_check {
	char owner[TUI_TEXT], zone[TUI_TEXT];
	char verdict[16], reason[64], chain[16];
	int type_covered, key_tag, algorithm, ede;
	int64_t inception, expiration, key_id;
	int key_flags;           /* -1 when no stored key verified it */
};
int tui_db_checks(struct tui_db *db, int64_t message_id, struct tui_check *out, int max);

/* Key history rows: keys and recovered keys, ordered by zone. */
struct tui_key {
	char zone[TUI_TEXT], fingerprint[72];
	int recovered;           /* 1: from recovered_keys */
	int tag, algorithm, flags, bits, collision;
	int shared;              /* set by the keys view: tag shared in the zone */
	int tag_zsk, tag_ksk;    /* recovered keys */
	int64_t first_ts_ns, last_ts_ns, seen;
	int64_t sig_uses, sig_valid; /* signatures of the zone with this tag */
};
int tui_db_keys(struct tui_db *db, struct tui_key *out, int max);
