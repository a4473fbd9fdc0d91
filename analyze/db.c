/* analyze/db.c -- SQLite writer and untrusted-database reader (see db.h).
 *
 * Speed matters here: one row per DNS message on captures of millions of
 * packets. So: statements prepared once and stepped on a writer thread of
 * their own (analyze/dbq.c), WAL with synchronous=OFF, batches of
 * AN_DB_BATCH rows per transaction, row ids of messages and keys counted
 * here rather than asked of SQLite, and no secondary index until the load
 * is over. */
#define _GNU_SOURCE /* pthread_setname_np: threads named in top -H */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "analyze/db.h"
#include "analyze/dbq.h"
#include "analyze/row_counts.h"
#include "analyze/wire_blocks.h"
#include "capture/endpoint.h"
#include "util/err.h"
#include "util/escape.h"

static const char schema_sql[] =
#include "gen/schema_sql.h"
	;

/* Built after the bulk load (issue 2: "secondary indexes after the bulk
 * load, not before"). They are the last thing `sigtrail analyze` waits
 * for, so two are partial: query_id is NULL on every query, and rcodes
 * are looked up on responses only (each reader says "qr = 1", which lets
 * SQLite use the index); each took half the time to build. */
static const char index_sql[] =
	"CREATE INDEX messages_ts ON messages(ts_ns);"
	"CREATE INDEX messages_frame ON messages(capture_id, frame);"
	"CREATE INDEX messages_query ON messages(query_id) WHERE query_id IS NOT NULL;"
	"CREATE INDEX messages_qname ON messages(qname);"
	"CREATE INDEX messages_rcode ON messages(rcode) WHERE qr = 1;"
	"CREATE INDEX ede_message ON ede(message_id);"
	"CREATE INDEX ede_code ON ede(code);"
	"CREATE INDEX edns_options_message ON edns_options(message_id);"
	"CREATE INDEX anomalies_kind ON anomalies(kind);"
	"CREATE INDEX sig_checks_message ON sig_checks(message_id);"
	"CREATE INDEX sig_checks_signature ON sig_checks(signature_id);"
	"CREATE INDEX sig_checks_ts ON sig_checks(ts_ns);"
	"CREATE INDEX signatures_zone ON signatures(zone, key_tag);"
	"CREATE INDEX keys_zone ON keys(zone, tag);"
	"CREATE INDEX findings_kind ON findings(kind);"
	"CREATE VIEW unanswered_queries AS"
	"  SELECT q.* FROM messages q WHERE q.qr = 0 AND q.malformed IS NULL"
	"  AND NOT EXISTS (SELECT 1 FROM messages r WHERE r.query_id = q.id);"
	"CREATE VIEW unsolicited_responses AS"
	"  SELECT * FROM messages WHERE qr = 1 AND query_id IS NULL;";

/* Column order of ST_MSG: an_db_add_message() binds in this order. */
#define MSG_COLUMNS "capture_id, frame, first_frame, ts_ns, transport," \
	" src_addr, src_port, dst_addr, dst_port, vlan, cap_flags, size," \
	" dns_id, qr, opcode, aa, tc, rd, ra, z, ad, cd, rcode," \
	" qdcount, ancount, nscount, arcount, qname, qtype, qclass," \
	" edns, edns_udp_size, edns_version, edns_do, edns_ext_rcode, edns_z," \
	" nsid, malformed, malformed_off, query_id, latency_ns, id"
#define MSG_PARAMS "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?," \
	"?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?"
#define MSG_COL_ID 42

enum db_stmt {
	ST_MSG, ST_WIRE, ST_OPT, ST_EDE, ST_ANOM, ST_CAPTURE, ST_META, ST_STAT, ST_COUNT,
	ST_KEY, ST_KEY_UPDATE, ST_SIG, ST_SIG_CHECK, ST_FINDING, ST_RECOVERED, ST_RESPONSE, ST_SIG_FLUSH,
	ST_N
};

static const char *const stmt_sql[ST_N] = {
	[ST_MSG] = "INSERT INTO messages (" MSG_COLUMNS ") VALUES (" MSG_PARAMS ")",
	/* OR REPLACE: a block flushed before it filled (a commit, a read)
	 * is written again, whole, when it fills. */
	[ST_WIRE] = "INSERT OR REPLACE INTO message_wire_blocks VALUES (?,?)",
	[ST_OPT] = "INSERT INTO edns_options VALUES (?,?,?,?,?)",
	[ST_EDE] = "INSERT INTO ede VALUES (?,?,?)",
	[ST_ANOM] = "INSERT INTO anomalies VALUES (NULL,?,?,?,?,?)",
	[ST_CAPTURE] = "INSERT OR REPLACE INTO captures VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_META] = "INSERT OR REPLACE INTO meta VALUES (?,?)",
	[ST_STAT] = "INSERT OR REPLACE INTO stats VALUES (?,?)",
	[ST_COUNT] = "INSERT OR REPLACE INTO anomaly_counts VALUES (?,?)",
	[ST_KEY] = "INSERT INTO keys (zone, tag, algorithm, flags, fingerprint, key_bits,"
		   " first_ts_ns, last_ts_ns, seen, ttl, tag_collision, rdata, id)"
		   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_KEY_UPDATE] = "UPDATE keys SET last_ts_ns = ?, seen = ?, ttl = ?, tag_collision = ?"
			  " WHERE id = ?",
	/* One statement per use keeps memory flat: SQLite's unique index on
	 * hash does the bookkeeping a hash table in RAM would. */
	[ST_SIG] = "INSERT INTO signatures (hash, zone, owner, type_covered, algorithm, key_tag,"
		   " labels, orig_ttl, inception, expiration, first_ts_ns, last_ts_ns, uses, valid,"
		   " reason, ede, key_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,?,?,?,?)"
		   " ON CONFLICT(hash) DO UPDATE SET last_ts_ns = excluded.last_ts_ns,"
		   " uses = uses + 1, valid = valid + excluded.valid,"
		   " reason = coalesce(excluded.reason, reason), ede = coalesce(excluded.ede, ede),"
		   " key_id = coalesce(excluded.key_id, key_id) RETURNING id, uses",
	[ST_SIG_CHECK] = "INSERT INTO sig_checks VALUES (?,?,?,?,?,?,?,?)",
	[ST_SIG_FLUSH] = "UPDATE signatures SET last_ts_ns = max(last_ts_ns, ?), uses = uses + ?,"
			 " valid = valid + ?, reason = coalesce(?, reason), ede = coalesce(?, ede),"
			 " key_id = coalesce(?, key_id) WHERE id = ?",
	[ST_RESPONSE] = "INSERT OR REPLACE INTO response_verdicts VALUES (?,?,?,?)",
	[ST_FINDING] = "INSERT INTO findings VALUES (NULL,?,?,?,?,?,?,?,?)",
	[ST_RECOVERED] = "INSERT INTO recovered_keys VALUES (NULL,?,?,?,?,?,?,?,?,?,?)",
};

/* Anomaly kinds are static strings from the code, so a small table keyed
 * by pointer-then-text is enough to count them. */
#define DB_KINDS_MAX 128
struct db_kind {
	const char *kind;
	uint64_t count;
};

/* Write-behind cache of signature rows: the same RRSIG is re-sent in many
 * responses, and counting a use in memory is far cheaper than an upsert
 * through the unique index. Direct-mapped on the signature hash; a slot
 * is written back when another signature takes it and at the end. */
#define DB_SIGCACHE_SLOTS 65536

struct db_sigslot {
	uint8_t hash[16];
	int used;               /* 0: empty */
	int64_t uses_total;     /* in the database plus pending; -1 unknown */
	int64_t uses, valid;    /* pending, not yet written */
	int64_t last_ts;
	const char *reason;     /* static, latest non-valid */
	int ede;
	int64_t key_id;
};

struct an_db;
static int sig_flush_all(struct an_db *db);

/* Secondary indexes built on a second connection and thread while this
 * one runs the incident pass (an_db_index_start). */
struct db_indexer {
	pthread_t thread;
	int started, rc;
	char path[4096];
	char err[200];
};

struct an_db {
	sqlite3 *h;
	struct db_indexer ix;
	int indexed;
	struct an_dbq *q;       /* NULL until the statements are ready */
	struct db_sigslot *sigcache;
	sqlite3_stmt *st[ST_N];
	int64_t last_msg_id, last_key_id;
	struct db_kind kinds[DB_KINDS_MAX];
	unsigned nkinds;
	uint64_t kinds_overflow;
	struct an_row_counts rows; /* stored as rows_* stats by an_db_finish() */
	struct an_wire_block wire; /* the message bytes not yet queued whole */
	char err[256];
};

static int db_fail(struct an_db *db)
{
	snprintf(db->err, sizeof(db->err), "%s", sqlite3_errmsg(db->h));
	return ST_EDB;
}

static int db_exec(struct an_db *db, const char *sql)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db);
	return ST_OK;
}

/* The end of a bulk load (enum an_db_load): from here on the index
 * thread writes while this connection reads, and readers may come. */
static int db_wal(struct an_db *db)
{
	return db_exec(db, "PRAGMA journal_mode=WAL");
}

static int wire_flush(struct an_db *db);

/* Everything queued is in the database and the writer is idle: this
 * thread may use the connection until it queues the next row. */
static int db_sync(struct an_db *db)
{
	if (db->q && wire_flush(db) != ST_OK)
		return ST_EDB;
	if (db->q && an_dbq_sync(db->q) != ST_OK) {
		snprintf(db->err, sizeof(db->err), "%s", an_dbq_error(db->q));
		return ST_EDB;
	}
	return ST_OK;
}

static int db_end(struct an_db *db)
{
	if (an_dbq_end(db->q) != ST_OK) {
		snprintf(db->err, sizeof(db->err), "%s", an_dbq_error(db->q));
		return ST_EDB;
	}
	return ST_OK;
}

sqlite3 *an_db_handle(struct an_db *db)
{
	(void)db_sync(db);
	return db->h;
}

const char *an_db_errmsg(const struct an_db *db)
{
	return db->err;
}

/* SIGTRAIL_SQL_PROFILE=MS: each statement slower than MS milliseconds
 * (50 if MS is not a number), with its time, on stderr (the SQL is ours,
 * never packet text). For tuning passes. */
static long long profile_min_ns = 50000000;

static int profile_cb(unsigned type, void *ctx, void *stmt, void *ns)
{
	(void)ctx;
	long long t = *(const long long *)ns;
	if (type == SQLITE_TRACE_PROFILE && t > profile_min_ns)
		fprintf(stderr, "sql %8.1f ms  %.100s\n", (double)t / 1e6, sqlite3_sql(stmt));
	return 0;
}

struct an_db *an_db_create(const char *path, enum an_db_load load, char *err, size_t errlen)
{
	/* Start from an empty file: an old analysis must not mix in (nor
	 * the journal a killed one left, which SQLite would play back). */
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char p[4096];
		snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
		if (unlink(p) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "cannot replace %s: %s", p, strerror(errno));
			return NULL;
		}
	}
	struct an_db *db = calloc(1, sizeof(*db));
	if (db)
		db->sigcache = calloc(DB_SIGCACHE_SLOTS, sizeof(*db->sigcache));
	if (db && !db->sigcache) {
		free(db);
		db = NULL;
	}
	if (!db) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* One connection, used by one thread at a time (the writer thread, or
	 * the caller between a sync and its next row): no mutexes inside SQLite. */
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		goto fail;
	/* Under the bulk load's rollback journal a commit waits for readers
	 * (`sigtrail tui --follow`, `summary`) to finish their read; without
	 * a timeout it failed at once with "database is locked". */
	sqlite3_busy_timeout(db->h, AN_DB_BUSY_WAIT_MS);
	const char *profile = getenv("SIGTRAIL_SQL_PROFILE");
	if (profile) {
		long ms = strtol(profile, NULL, 10);
		if (ms > 1)
			profile_min_ns = ms * 1000000LL;
		sqlite3_trace_v2(db->h, SQLITE_TRACE_PROFILE, profile_cb, NULL);
	}
	/* With readers, the WAL may grow to 1 GiB (65536 pages of 16 KiB)
	 * before the writer stops to checkpoint; the index thread
	 * checkpoints what is left beside the incident pass (index_thread).
	 * A bulk load has no WAL to checkpoint (enum an_db_load). */
	char pragmas[256];
	snprintf(pragmas, sizeof(pragmas),
		 "PRAGMA page_size=16384; PRAGMA synchronous=OFF;"
		 "PRAGMA cache_size=-65536;"
		 "PRAGMA wal_autocheckpoint=65536;"
		 "PRAGMA user_version=%d;", AN_DB_SCHEMA_VERSION);
	if (db_exec(db, pragmas))
		goto fail;
	if (load == AN_DB_BULK ? db_exec(db, "PRAGMA journal_mode=TRUNCATE")
			       : db_exec(db, "PRAGMA journal_mode=WAL"))
		goto fail;
	if (db_exec(db, schema_sql))
		goto fail;
	for (int i = 0; i < ST_N; i++)
		if (sqlite3_prepare_v3(db->h, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &db->st[i], NULL) != SQLITE_OK)
			goto fail;
	db->q = an_dbq_start(db->h, db->st, ST_N, AN_DB_BATCH);
	if (!db->q) {
		snprintf(err, errlen, "%s: cannot start the database writer thread", path);
		an_db_close(db);
		return NULL;
	}
	if (an_db_set_meta(db, "status", "running") || db_sync(db))
		goto fail;
	return db;
fail:
	snprintf(err, errlen, "%s: %s", path, db->err[0] ? db->err : db->h ? sqlite3_errmsg(db->h) : "cannot open");
	an_db_close(db);
	return NULL;
}

int an_db_maybe_commit(struct an_db *db, int force)
{
	/* The writer commits every AN_DB_BATCH rows by itself. */
	if (!force)
		return ST_OK;
	if (wire_flush(db) != ST_OK)
		return ST_EDB;
	if (an_dbq_commit(db->q) != ST_OK) {
		snprintf(db->err, sizeof(db->err), "%s", an_dbq_error(db->q));
		return ST_EDB;
	}
	return ST_OK;
}

static void put_addr(struct an_dbq *q, int col, const struct cap_endpoint *ep)
{
	char text[CAP_ADDR_TEXT_MAX];
	an_dbq_text(q, col, cap_endpoint_addr(ep, text));
}

/* Header fields exist only when the message has its 12-byte header. */
static void put_header(struct an_dbq *q, const struct dec_msg *m)
{
	if (m->len < 12)
		return; /* left NULL */
	const int v[] = { m->id, m->qr, m->opcode, m->aa, m->tc, m->rd, m->ra,
			  m->z, m->ad, m->cd, m->rcode_full, m->qdcount,
			  m->ancount, m->nscount, m->arcount };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		an_dbq_int(q, 13 + (int)i, v[i]);
}

static void put_question(struct an_dbq *q, const struct dec_msg *m)
{
	if (!m->has_question)
		return;
	char name[DEC_NAME_TEXT_MAX];
	dec_name_to_text(&m->qname, name, sizeof(name));
	an_dbq_text(q, 28, name);
	an_dbq_int(q, 29, m->qtype);
	an_dbq_int(q, 30, m->qclass);
}

static void put_edns(struct an_dbq *q, const struct dec_msg *m)
{
	const struct dec_edns *e = &m->edns;
	an_dbq_int(q, 31, e->present);
	if (!e->present)
		return;
	an_dbq_int(q, 32, e->udp_size);
	an_dbq_int(q, 33, e->version);
	an_dbq_int(q, 34, e->do_bit);
	an_dbq_int(q, 35, e->ext_rcode);
	an_dbq_int(q, 36, e->z);
	if (e->nsid_idx >= 0 && e->nsid_idx < e->nopt) {
		const struct dec_opt *o = &e->opt[e->nsid_idx];
		char text[4 * 256 + 1];
		size_t n = o->len < 256 ? o->len : 256;
		st_escape_text(text, sizeof(text), m->wire + o->off, n);
		an_dbq_text(q, 37, text);
	}
}

static int add_options(struct an_db *db, int64_t id, const struct dec_msg *m)
{
	const struct dec_edns *e = &m->edns;
	for (uint16_t i = 0; i < e->nopt; i++) {
		an_dbq_row(db->q, ST_OPT);
		an_dbq_int(db->q, 1, id);
		an_dbq_int(db->q, 2, i);
		an_dbq_int(db->q, 3, e->opt[i].code);
		an_dbq_int(db->q, 4, e->opt[i].len);
		an_dbq_blob(db->q, 5, m->wire + e->opt[i].off, e->opt[i].len);
		if (db_end(db))
			return ST_EDB;
	}
	for (uint16_t i = 0; i < e->nede; i++) {
		/* EXTRA-TEXT can be 64 KB of hostile bytes: store it escaped
		 * and cut, the raw bytes stay in edns_options.data. */
		char text[4 * 1024 + 1];
		size_t n = e->ede[i].text_len < 1024 ? e->ede[i].text_len : 1024;
		st_escape_text(text, sizeof(text), m->wire + e->ede[i].text_off, n);
		an_dbq_row(db->q, ST_EDE);
		an_dbq_int(db->q, 1, id);
		an_dbq_int(db->q, 2, e->ede[i].code);
		an_dbq_text(db->q, 3, text);
		if (db_end(db))
			return ST_EDB;
	}
	return ST_OK;
}

/* Queues the block being filled (analyze/wire_blocks.h); a block not yet
 * full stays, to be queued again whole. */
static int wire_flush(struct an_db *db)
{
	if (!db->wire.n)
		return ST_OK;
	an_dbq_row(db->q, ST_WIRE);
	an_dbq_int(db->q, 1, db->wire.first_id);
	an_dbq_blob(db->q, 2, db->wire.buf, db->wire.len);
	if (db_end(db))
		return ST_EDB;
	if (an_wire_block_full(&db->wire))
		an_wire_block_clear(&db->wire);
	return ST_OK;
}

static int wire_put(struct an_db *db, int64_t id, const struct cap_msg *cm)
{
	int rc = an_wire_block_add(&db->wire, id, cm->wire, cm->len);
	if (rc != ST_OK) {
		snprintf(db->err, sizeof(db->err), "message bytes: %s", st_strerror(rc));
		return ST_EDB;
	}
	return an_wire_block_full(&db->wire) ? wire_flush(db) : ST_OK;
}

int64_t an_db_add_message(struct an_db *db, const struct cap_msg *cm,
			  const struct dec_msg *m, int64_t query_id,
			  int64_t latency_ns)
{
	struct an_dbq *q = db->q;
	int64_t id = db->last_msg_id + 1;
	an_dbq_row(q, ST_MSG);
	an_dbq_int(q, 1, cm->file);
	an_dbq_int(q, 2, (int64_t)cm->frame);
	an_dbq_int(q, 3, (int64_t)cm->first_frame);
	an_dbq_int(q, 4, cm->ts_ns);
	an_dbq_static(q, 5, cm->transport == CAP_TCP ? "tcp" : "udp");
	put_addr(q, 6, &cm->src);
	an_dbq_int(q, 7, cm->src.port);
	put_addr(q, 8, &cm->dst);
	an_dbq_int(q, 9, cm->dst.port);
	if (cm->vlan)
		an_dbq_int(q, 10, cm->vlan);
	an_dbq_int(q, 11, cm->flags);
	an_dbq_int(q, 12, (int64_t)cm->len);
	put_header(q, m);
	put_question(q, m);
	put_edns(q, m);
	if (m->err != ST_OK) {
		an_dbq_static(q, 38, m->why ? m->why : st_strerror(m->err));
		an_dbq_int(q, 39, (int64_t)m->err_off);
	}
	if (query_id > 0) {
		an_dbq_int(q, 40, query_id);
		an_dbq_int(q, 41, latency_ns);
	}
	an_dbq_int(q, MSG_COL_ID, id);
	if (db_end(db))
		return ST_EDB;
	if (wire_put(db, id, cm) || add_options(db, id, m))
		return ST_EDB;
	an_row_counts_message(&db->rows, cm, m);
	db->last_msg_id = id;
	return id;
}

static struct db_kind *kind_slot(struct an_db *db, const char *kind)
{
	for (unsigned i = 0; i < db->nkinds; i++)
		if (db->kinds[i].kind == kind || strcmp(db->kinds[i].kind, kind) == 0)
			return &db->kinds[i];
	if (db->nkinds == DB_KINDS_MAX)
		return NULL;
	db->kinds[db->nkinds].kind = kind;
	return &db->kinds[db->nkinds++];
}

int an_db_add_anomaly(struct an_db *db, uint32_t file, uint64_t frame,
		      const char *kind, const char *detail, int64_t message_id)
{
	struct db_kind *k = kind_slot(db, kind);
	if (!k) {
		db->kinds_overflow++;
		return ST_OK;
	}
	if (k->count++ >= AN_DB_ANOMALY_ROWS_PER_KIND)
		return ST_OK;
	an_dbq_row(db->q, ST_ANOM);
	an_dbq_int(db->q, 1, file);
	if (frame)
		an_dbq_int(db->q, 2, (int64_t)frame);
	an_dbq_static(db->q, 3, kind);
	an_dbq_text(db->q, 4, detail);
	if (message_id > 0)
		an_dbq_int(db->q, 5, message_id);
	return db_end(db);
}

static const char *status_name(int status)
{
	switch (status) {
	case ST_OK: return "ok";
	case ST_ETRUNC: return "truncated";
	case ST_EMALF: return "malformed";
	case ST_EFORMAT: return "not_a_capture";
	default: return "io_error";
	}
}

int an_db_add_capture(struct an_db *db, uint32_t id, const struct cap_file_info *fi)
{
	struct an_dbq *q = db->q;
	an_dbq_row(q, ST_CAPTURE);
	an_dbq_int(q, 1, id);
	an_dbq_text(q, 2, fi->path);
	an_dbq_text(q, 3, fi->format);
	an_dbq_int(q, 4, fi->linktype);
	an_dbq_int(q, 5, fi->tsresol_ns);
	an_dbq_int(q, 6, (int64_t)fi->frames);
	an_dbq_int(q, 7, (int64_t)fi->bytes);
	an_dbq_int(q, 8, (int64_t)fi->file_size);
	if (fi->frames) {
		an_dbq_int(q, 9, fi->first_ts_ns);
		an_dbq_int(q, 10, fi->last_ts_ns);
	}
	an_dbq_static(q, 11, status_name(fi->status));
	if (fi->status != ST_OK)
		an_dbq_text(q, 12, fi->error);
	return db_end(db);
}

static int set_pair(struct an_db *db, enum db_stmt which, const char *key,
		    const char *text, int64_t value)
{
	an_dbq_row(db->q, which);
	an_dbq_text(db->q, 1, key);
	if (text)
		an_dbq_text(db->q, 2, text);
	else
		an_dbq_int(db->q, 2, value);
	return db_end(db);
}

int an_db_set_meta(struct an_db *db, const char *key, const char *value)
{
	return set_pair(db, ST_META, key, value, 0);
}

int an_db_set_stat(struct an_db *db, const char *key, int64_t value)
{
	return set_pair(db, ST_STAT, key, NULL, value);
}

static int put_stat(void *db, const char *key, int64_t value)
{
	return an_db_set_stat(db, key, value);
}

int an_db_finish(struct an_db *db)
{
	if (sig_flush_all(db))
		return ST_EDB;
	for (unsigned i = 0; i < db->nkinds; i++)
		if (set_pair(db, ST_COUNT, db->kinds[i].kind, NULL, (int64_t)db->kinds[i].count))
			return ST_EDB;
	if (db->kinds_overflow && an_db_set_stat(db, "anomaly_kinds_overflow", (int64_t)db->kinds_overflow))
		return ST_EDB;
	if (an_row_counts_each(&db->rows, put_stat, db))
		return ST_EDB;
	if (db_sync(db) || an_db_index_wait(db) || db_wal(db))
		return ST_EDB;
	if (!db->indexed && (db_exec(db, "BEGIN") || db_exec(db, index_sql)))
		return ST_EDB;
	if (db->indexed && db_exec(db, "BEGIN"))
		return ST_EDB;
	if (db_exec(db, "INSERT OR REPLACE INTO meta VALUES ('status', 'complete'); COMMIT"))
		return ST_EDB;
	return db_exec(db, "PRAGMA optimize");
}

static void *index_thread(void *arg)
{
	struct db_indexer *ix = arg;
	sqlite3 *h = NULL;
	pthread_setname_np(pthread_self(), "sigtrail-index");
	ix->rc = ST_EDB;
	if (sqlite3_open_v2(ix->path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(h, 600000) == SQLITE_OK &&
	    /* A small cache on purpose: SQLite's sorter keeps at most
	     * cache_size bytes in memory before it spills a sorted run, and
	     * sorting a few 4 MiB runs and merging them beat one 32 MiB sort
	     * in memory (a linked-list merge sort, cache-unfriendly): the
	     * qname index took 0.3 s instead of 0.7 s on a million messages,
	     * and peak memory fell by 70 MB (docs/bench.md).
	     * Then move rows a WAL still holds (a `live` session's) into the
	     * database file beside the incident pass; left to the close, it
	     * took half a second. */
	    sqlite3_exec(h, "PRAGMA cache_size=-4096; PRAGMA wal_checkpoint(PASSIVE);"
			 " BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_exec(h, index_sql, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		ix->rc = ST_OK;
	else
		snprintf(ix->err, sizeof(ix->err), "%s", h ? sqlite3_errmsg(h) : "cannot open");
	sqlite3_close(h);
	return NULL;
}

int an_db_index_start(struct an_db *db)
{
	if (db->ix.started || db->indexed)
		return ST_OK;
	if (db_sync(db) || db_wal(db))
		return ST_EDB;
	/* An in-memory database ("" here) has no second connection: the
	 * indexes are built by an_db_finish() on this one. */
	const char *file = sqlite3_db_filename(db->h, "main");
	if (!file || !*file || strlen(file) >= sizeof(db->ix.path))
		return ST_OK;
	memcpy(db->ix.path, file, strlen(file) + 1);
	if (pthread_create(&db->ix.thread, NULL, index_thread, &db->ix) != 0)
		return ST_OK; /* an_db_finish() builds them on this thread */
	db->ix.started = 1;
	return ST_OK;
}

int an_db_index_wait(struct an_db *db)
{
	if (!db->ix.started)
		return ST_OK;
	pthread_join(db->ix.thread, NULL);
	db->ix.started = 0;
	if (db->ix.rc != ST_OK) {
		snprintf(db->err, sizeof(db->err), "building indexes: %.200s", db->ix.err);
		return ST_EDB;
	}
	db->indexed = 1;
	return ST_OK;
}

void an_db_close(struct an_db *db)
{
	if (!db)
		return;
	(void)an_db_index_wait(db);
	if (db->q) {
		(void)wire_flush(db);
		(void)sig_flush_all(db);
		(void)an_dbq_stop(db->q);
	}
	for (int i = 0; i < ST_N; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->h);
	an_wire_block_free(&db->wire);
	free(db->sigcache);
	free(db);
}

/* A `sigtrail analyze` stopped mid-load leaves its last transaction in a
 * rollback journal (enum an_db_load). A read-only connection cannot roll
 * it back and sees no schema at all, so a read-write one does, once: what
 * SQLite does for any connection that may write, after which the file is
 * its last committed state, readable as far as the load got. A journal
 * whose writer is still at work is not hot, and SQLite leaves it alone. */
static void roll_back_hot_journal(const char *path)
{
	char journal[4096];
	struct stat sb;
	int n = snprintf(journal, sizeof(journal), "%s-journal", path);
	if (n < 0 || (size_t)n >= sizeof(journal) || stat(journal, &sb) != 0 || sb.st_size == 0)
		return;
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
		sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
		(void)sqlite3_exec(h, "PRAGMA user_version", NULL, NULL, NULL);
	}
	sqlite3_close(h);
}

/* SQLite's advice for untrusted database files (security.html): defensive
 * mode, no trusted schema, an integrity check before use, and here a
 * schema version we know. */
sqlite3 *an_db_open_read(const char *path, char *err, size_t errlen)
{
	sqlite3 *h = NULL;
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	roll_back_hot_journal(path);
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	/* a `sigtrail analyze` still loading holds the file for a commit */
	sqlite3_busy_timeout(h, AN_DB_READ_WAIT_MS);
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	int version = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_finalize(s);
	if (version != AN_DB_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: not a sigtrail database of schema version %d (found %d)",
			 path, AN_DB_SCHEMA_VERSION, version);
		sqlite3_close(h);
		return NULL;
	}
	/* quick_check reads every page: seconds per GB. A big database is
	 * opened without it; SQLite still detects corrupt pages as it reads
	 * them (SQLITE_CORRUPT) and defensive mode keeps a crafted schema
	 * harmless. */
	struct stat sb;
	if (stat(path, &sb) == 0 && sb.st_size > AN_DB_QUICK_CHECK_MAX)
		return h;
	if (sqlite3_prepare_v2(h, "PRAGMA quick_check", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	const unsigned char *verdict = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_text(s, 0) : NULL;
	int okay = verdict && strcmp((const char *)verdict, "ok") == 0;
	sqlite3_finalize(s);
	if (!okay) {
		snprintf(err, errlen, "%s: database fails its integrity check", path);
		sqlite3_close(h);
		return NULL;
	}
	return h;
fail:
	snprintf(err, errlen, "%s: %s", path, h ? sqlite3_errmsg(h) : "cannot open");
	sqlite3_close(h);
	return NULL;
}

int64_t an_db_add_key(struct an_db *db, const struct an_db_key *k)
{
	struct an_dbq *q = db->q;
	int64_t id = db->last_key_id + 1;
	an_dbq_row(q, ST_KEY);
	an_dbq_text(q, 1, k->zone);
	an_dbq_int(q, 2, k->tag);
	an_dbq_int(q, 3, k->algorithm);
	an_dbq_int(q, 4, k->flags);
	an_dbq_text(q, 5, k->fingerprint);
	an_dbq_int(q, 6, k->key_bits);
	an_dbq_int(q, 7, k->first_ts_ns);
	an_dbq_int(q, 8, k->last_ts_ns);
	an_dbq_int(q, 9, (int64_t)k->seen);
	an_dbq_int(q, 10, k->ttl);
	an_dbq_int(q, 11, k->tag_collision);
	an_dbq_blob(q, 12, k->rdata, k->rdlen);
	an_dbq_int(q, 13, id);
	if (db_end(db))
		return ST_EDB;
	db->last_key_id = id;
	return id;
}

int an_db_update_key(struct an_db *db, int64_t id, const struct an_db_key *k)
{
	struct an_dbq *q = db->q;
	an_dbq_row(q, ST_KEY_UPDATE);
	an_dbq_int(q, 1, k->last_ts_ns);
	an_dbq_int(q, 2, (int64_t)k->seen);
	an_dbq_int(q, 3, k->ttl);
	an_dbq_int(q, 4, k->tag_collision);
	an_dbq_int(q, 5, id);
	return db_end(db);
}

static unsigned sig_slot_of(const struct db_sigslot *base, const struct db_sigslot *c)
{
	return (unsigned)(c - base);
}

static int sig_flush(struct an_db *db, struct db_sigslot *c)
{
	if (!c->used || !c->uses)
		return ST_OK;
	struct an_dbq *q = db->q;
	an_dbq_row(q, ST_SIG_FLUSH);
	an_dbq_int(q, 1, c->last_ts);
	an_dbq_int(q, 2, c->uses);
	an_dbq_int(q, 3, c->valid);
	an_dbq_static(q, 4, c->reason);
	if (c->ede >= 0)
		an_dbq_int(q, 5, c->ede);
	if (c->key_id > 0)
		an_dbq_int(q, 6, c->key_id);
	an_dbq_slot(q, 7, sig_slot_of(db->sigcache, c));
	c->uses = c->valid = 0;
	c->reason = NULL;
	c->ede = -1;
	c->key_id = 0;
	return db_end(db);
}

static int sig_flush_all(struct an_db *db)
{
	for (size_t i = 0; db->sigcache && i < DB_SIGCACHE_SLOTS; i++)
		if (sig_flush(db, &db->sigcache[i]))
			return ST_EDB;
	return ST_OK;
}

/* The upsert's values; the writer stores the row id it returns in the
 * signature's cache slot, where later sig_checks rows find it. */
static void sig_put(struct an_dbq *q, const struct an_db_sig *g)
{
	an_dbq_row(q, ST_SIG);
	an_dbq_blob(q, 1, g->hash, 16);
	an_dbq_text(q, 2, g->zone);
	an_dbq_text(q, 3, g->owner);
	an_dbq_int(q, 4, g->type_covered);
	an_dbq_int(q, 5, g->algorithm);
	an_dbq_int(q, 6, g->key_tag);
	an_dbq_int(q, 7, g->labels);
	an_dbq_int(q, 8, g->orig_ttl);
	an_dbq_int(q, 9, g->inception);
	an_dbq_int(q, 10, g->expiration);
	an_dbq_int(q, 11, g->ts_ns);
	an_dbq_int(q, 12, g->ts_ns);
	an_dbq_int(q, 13, g->valid);
	if (!g->valid) {
		an_dbq_static(q, 14, g->reason);
		if (g->ede >= 0)
			an_dbq_int(q, 15, g->ede);
	}
	if (g->key_id > 0)
		an_dbq_int(q, 16, g->key_id);
}

/* The use count stored for the signature in slot, after a sync (every
 * pending use of the slot flushed first by the caller). */
static int sig_uses(struct an_db *db, unsigned slot, int64_t *uses)
{
	sqlite3_stmt *s = NULL;
	if (db_sync(db))
		return ST_EDB;
	if (sqlite3_prepare_v2(db->h, "SELECT uses FROM signatures WHERE id = ?", -1, &s, NULL) != SQLITE_OK)
		return db_fail(db);
	sqlite3_bind_int64(s, 1, an_dbq_slot_id(db->q, slot));
	int rc = sqlite3_step(s);
	*uses = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? ST_OK : db_fail(db);
}

int64_t an_db_use_signature(struct an_db *db, const struct an_db_sig *g, int64_t *uses)
{
	unsigned slot = (unsigned)(g->hash[0] | g->hash[1] << 8) % DB_SIGCACHE_SLOTS;
	struct db_sigslot *c = &db->sigcache[slot];
	if (c->used && !memcmp(c->hash, g->hash, 16)) {
		c->uses++;
		c->valid += g->valid;
		if (g->ts_ns > c->last_ts)
			c->last_ts = g->ts_ns;
		if (!g->valid) {
			c->reason = g->reason;
			c->ede = g->ede;
		}
		if (g->key_id > 0)
			c->key_id = g->key_id;
		if (c->uses_total >= 0)
			c->uses_total++;
		/* Inserted without asking its count: ask the database, once
		 * this slot's pending uses are in it. */
		if (uses && c->uses_total < 0 && (sig_flush(db, c) || sig_uses(db, slot, &c->uses_total)))
			return ST_EDB;
		if (uses)
			*uses = c->uses_total;
		return slot;
	}
	if (sig_flush(db, c))
		return ST_EDB;
	memcpy(c->hash, g->hash, 16);
	c->used = 1;
	c->uses = c->valid = 0;
	c->last_ts = g->ts_ns;
	c->reason = NULL;
	c->ede = -1;
	c->key_id = 0;
	sig_put(db->q, g);
	an_dbq_returns(db->q, slot);
	c->uses_total = -1;
	if (db_end(db))
		return ST_EDB;
	/* Rare (failing signatures whose first use matters): wait for it. */
	if (uses && sig_uses(db, slot, &c->uses_total))
		return ST_EDB;
	if (uses)
		*uses = c->uses_total;
	return slot;
}

int an_db_add_sig_check(struct an_db *db, int64_t message_id, int64_t signature_ref,
			int64_t ts_ns, const char *server, const char *verdict,
			const char *reason, int ede, const char *chain)
{
	struct an_dbq *q = db->q;
	an_dbq_row(q, ST_SIG_CHECK);
	an_dbq_int(q, 1, message_id);
	an_dbq_slot(q, 2, (unsigned)signature_ref);
	an_dbq_int(q, 3, ts_ns);
	an_dbq_text(q, 4, server);
	an_dbq_static(q, 5, verdict);
	an_dbq_static(q, 6, reason);
	if (ede >= 0)
		an_dbq_int(q, 7, ede);
	an_dbq_static(q, 8, chain);
	if (db_end(db))
		return ST_EDB;
	an_row_counts_check(&db->rows, verdict);
	return ST_OK;
}

int an_db_add_response_verdict(struct an_db *db, int64_t message_id, const char *expected,
			       const char *reason, int ede)
{
	struct an_dbq *q = db->q;
	an_dbq_row(q, ST_RESPONSE);
	an_dbq_int(q, 1, message_id);
	an_dbq_static(q, 2, expected);
	an_dbq_static(q, 3, reason);
	if (ede >= 0)
		an_dbq_int(q, 4, ede);
	return db_end(db);
}

int an_db_add_finding(struct an_db *db, const struct an_db_finding *f)
{
	struct an_dbq *q = db->q;
	an_dbq_row(q, ST_FINDING);
	an_dbq_static(q, 1, f->kind);
	an_dbq_text(q, 2, f->zone);
	if (f->key_tag >= 0)
		an_dbq_int(q, 3, f->key_tag);
	an_dbq_text(q, 4, f->detail);
	an_dbq_int(q, 5, f->capture_id);
	if (f->frame)
		an_dbq_int(q, 6, (int64_t)f->frame);
	if (f->message_id > 0)
		an_dbq_int(q, 7, f->message_id);
	an_dbq_int(q, 8, f->ts_ns);
	return db_end(db);
}

int an_db_add_recovered(struct an_db *db, const struct an_db_recovered *r)
{
	struct an_dbq *q = db->q;
	an_dbq_row(q, ST_RECOVERED);
	an_dbq_text(q, 1, r->zone);
	an_dbq_int(q, 2, r->algorithm);
	an_dbq_int(q, 3, r->signature_tag);
	an_dbq_int(q, 4, r->tag_zsk);
	an_dbq_int(q, 5, r->tag_ksk);
	an_dbq_blob(q, 6, r->key, r->key_len);
	an_dbq_text(q, 7, r->fingerprint);
	an_dbq_int(q, 8, (int64_t)r->signatures);
	an_dbq_int(q, 9, r->first_ts_ns);
	an_dbq_int(q, 10, r->last_ts_ns);
	return db_end(db);
}
