/* analyze/db.c -- SQLite writer and untrusted-database reader (see db.h).
 *
 * Speed matters here: one row per DNS message on captures of millions of
 * packets. So: statements prepared once, WAL with synchronous=NORMAL,
 * batches of AN_DB_BATCH rows per transaction, and no secondary index
 * until the load is over. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "analyze/db.h"
#include "capture/endpoint.h"
#include "util/err.h"
#include "util/escape.h"

static const char schema_sql[] =
#include "gen/schema_sql.h"
	;

/* Built after the bulk load (issue 2: "secondary indexes after the bulk
 * load, not before"). */
static const char index_sql[] =
	"CREATE INDEX messages_ts ON messages(ts_ns);"
	"CREATE INDEX messages_frame ON messages(capture_id, frame);"
	"CREATE INDEX messages_query ON messages(query_id);"
	"CREATE INDEX messages_qname ON messages(qname);"
	"CREATE INDEX messages_rcode ON messages(rcode, qr);"
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
	" nsid, malformed, malformed_off, query_id, latency_ns"
#define MSG_PARAMS "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?," \
	"?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?"

enum db_stmt {
	ST_MSG, ST_WIRE, ST_OPT, ST_EDE, ST_ANOM, ST_CAPTURE, ST_META, ST_STAT, ST_COUNT,
	ST_KEY, ST_KEY_UPDATE, ST_SIG, ST_SIG_CHECK, ST_FINDING, ST_RECOVERED, ST_RESPONSE, ST_SIG_FLUSH,
	ST_N
};

static const char *const stmt_sql[ST_N] = {
	[ST_MSG] = "INSERT INTO messages (" MSG_COLUMNS ") VALUES (" MSG_PARAMS ")",
	[ST_WIRE] = "INSERT INTO message_wire VALUES (?,?)",
	[ST_OPT] = "INSERT INTO edns_options VALUES (?,?,?,?,?)",
	[ST_EDE] = "INSERT INTO ede VALUES (?,?,?)",
	[ST_ANOM] = "INSERT INTO anomalies VALUES (NULL,?,?,?,?,?)",
	[ST_CAPTURE] = "INSERT OR REPLACE INTO captures VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_META] = "INSERT OR REPLACE INTO meta VALUES (?,?)",
	[ST_STAT] = "INSERT OR REPLACE INTO stats VALUES (?,?)",
	[ST_COUNT] = "INSERT OR REPLACE INTO anomaly_counts VALUES (?,?)",
	[ST_KEY] = "INSERT INTO keys (zone, tag, algorithm, flags, fingerprint, key_bits,"
		   " first_ts_ns, last_ts_ns, seen, ttl, tag_collision, rdata)"
		   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
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
	int64_t id;             /* 0: empty */
	int64_t uses_total;     /* in the database plus pending */
	int64_t uses, valid;    /* pending, not yet written */
	int64_t last_ts;
	const char *reason;     /* static, latest non-valid */
	int ede;
	int64_t key_id;
};

struct an_db;
static int sig_flush_all(struct an_db *db);

struct an_db {
	sqlite3 *h;
	struct db_sigslot *sigcache;
	sqlite3_stmt *st[ST_N];
	unsigned pending;
	int in_txn;
	struct db_kind kinds[DB_KINDS_MAX];
	unsigned nkinds;
	uint64_t kinds_overflow;
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

static int db_step(struct an_db *db, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db);
}

sqlite3 *an_db_handle(struct an_db *db)
{
	return db->h;
}

const char *an_db_errmsg(const struct an_db *db)
{
	return db->err;
}

/* SIGTRAIL_SQL_PROFILE=1: each statement slower than 50 ms, with its time,
 * on stderr (the SQL is ours, never packet text). For tuning passes. */
static int profile_cb(unsigned type, void *ctx, void *stmt, void *ns)
{
	(void)ctx;
	long long t = *(const long long *)ns;
	if (type == SQLITE_TRACE_PROFILE && t > 50000000)
		fprintf(stderr, "sql %8.1f ms  %.100s\n", (double)t / 1e6, sqlite3_sql(stmt));
	return 0;
}

struct an_db *an_db_create(const char *path, char *err, size_t errlen)
{
	/* Start from an empty file: an old analysis must not mix in. */
	static const char *const suffixes[] = { "", "-wal", "-shm" };
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
	/* One connection, one thread: no mutexes on the hot path. */
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		goto fail;
	if (getenv("SIGTRAIL_SQL_PROFILE"))
		sqlite3_trace_v2(db->h, SQLITE_TRACE_PROFILE, profile_cb, NULL);
	char pragmas[256];
	snprintf(pragmas, sizeof(pragmas),
		 "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
		 "PRAGMA cache_size=-65536;"
		 "PRAGMA wal_autocheckpoint=16384;"
		 "PRAGMA user_version=%d;", AN_DB_SCHEMA_VERSION);
	if (db_exec(db, pragmas) || db_exec(db, schema_sql))
		goto fail;
	for (int i = 0; i < ST_N; i++)
		if (sqlite3_prepare_v3(db->h, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &db->st[i], NULL) != SQLITE_OK)
			goto fail;
	if (an_db_set_meta(db, "status", "running") || an_db_maybe_commit(db, 1))
		goto fail;
	return db;
fail:
	snprintf(err, errlen, "%s: %s", path, db->h ? sqlite3_errmsg(db->h) : "cannot open");
	an_db_close(db);
	return NULL;
}

static int db_begin(struct an_db *db)
{
	if (db->in_txn)
		return ST_OK;
	int rc = db_exec(db, "BEGIN");
	if (rc == ST_OK)
		db->in_txn = 1;
	return rc;
}

int an_db_maybe_commit(struct an_db *db, int force)
{
	if (!db->in_txn || (!force && db->pending < AN_DB_BATCH))
		return ST_OK;
	db->in_txn = 0;
	db->pending = 0;
	return db_exec(db, "COMMIT");
}

static void bind_addr(sqlite3_stmt *s, int col, const struct cap_endpoint *ep)
{
	char text[CAP_ADDR_TEXT_MAX];
	sqlite3_bind_text(s, col, cap_endpoint_addr(ep, text), -1, SQLITE_TRANSIENT);
}

/* Header fields exist only when the message has its 12-byte header. */
static void bind_header(sqlite3_stmt *s, const struct dec_msg *m)
{
	if (m->len < 12)
		return; /* left NULL */
	const int v[] = { m->id, m->qr, m->opcode, m->aa, m->tc, m->rd, m->ra,
			  m->z, m->ad, m->cd, m->rcode_full, m->qdcount,
			  m->ancount, m->nscount, m->arcount };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		sqlite3_bind_int(s, 13 + (int)i, v[i]);
}

static void bind_question(sqlite3_stmt *s, const struct dec_msg *m)
{
	if (!m->has_question)
		return;
	char name[DEC_NAME_TEXT_MAX];
	dec_name_to_text(&m->qname, name, sizeof(name));
	sqlite3_bind_text(s, 28, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 29, m->qtype);
	sqlite3_bind_int(s, 30, m->qclass);
}

static void bind_edns(sqlite3_stmt *s, const struct dec_msg *m)
{
	const struct dec_edns *e = &m->edns;
	sqlite3_bind_int(s, 31, e->present);
	if (!e->present)
		return;
	sqlite3_bind_int(s, 32, e->udp_size);
	sqlite3_bind_int(s, 33, e->version);
	sqlite3_bind_int(s, 34, e->do_bit);
	sqlite3_bind_int(s, 35, e->ext_rcode);
	sqlite3_bind_int(s, 36, e->z);
	if (e->nsid_idx >= 0 && e->nsid_idx < e->nopt) {
		const struct dec_opt *o = &e->opt[e->nsid_idx];
		char text[4 * 256 + 1];
		size_t n = o->len < 256 ? o->len : 256;
		st_escape_text(text, sizeof(text), m->wire + o->off, n);
		sqlite3_bind_text(s, 37, text, -1, SQLITE_TRANSIENT);
	}
}

static int add_options(struct an_db *db, int64_t id, const struct dec_msg *m)
{
	const struct dec_edns *e = &m->edns;
	sqlite3_stmt *s = db->st[ST_OPT];
	for (uint16_t i = 0; i < e->nopt; i++) {
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int(s, 2, i);
		sqlite3_bind_int(s, 3, e->opt[i].code);
		sqlite3_bind_int(s, 4, e->opt[i].len);
		sqlite3_bind_blob(s, 5, m->wire + e->opt[i].off, e->opt[i].len, SQLITE_STATIC);
		if (db_step(db, s))
			return ST_EDB;
	}
	s = db->st[ST_EDE];
	for (uint16_t i = 0; i < e->nede; i++) {
		/* EXTRA-TEXT can be 64 KB of hostile bytes: store it escaped
		 * and cut, the raw bytes stay in edns_options.data. */
		char text[4 * 1024 + 1];
		size_t n = e->ede[i].text_len < 1024 ? e->ede[i].text_len : 1024;
		st_escape_text(text, sizeof(text), m->wire + e->ede[i].text_off, n);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int(s, 2, e->ede[i].code);
		sqlite3_bind_text(s, 3, text, -1, SQLITE_TRANSIENT);
		if (db_step(db, s))
			return ST_EDB;
	}
	return ST_OK;
}

int64_t an_db_add_message(struct an_db *db, const struct cap_msg *cm,
			  const struct dec_msg *m, int64_t query_id,
			  int64_t latency_ns)
{
	if (db_begin(db))
		return ST_EDB;
	sqlite3_stmt *s = db->st[ST_MSG];
	sqlite3_bind_int64(s, 1, cm->file);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)cm->frame);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)cm->first_frame);
	sqlite3_bind_int64(s, 4, cm->ts_ns);
	sqlite3_bind_text(s, 5, cm->transport == CAP_TCP ? "tcp" : "udp", -1, SQLITE_STATIC);
	bind_addr(s, 6, &cm->src);
	sqlite3_bind_int(s, 7, cm->src.port);
	bind_addr(s, 8, &cm->dst);
	sqlite3_bind_int(s, 9, cm->dst.port);
	if (cm->vlan)
		sqlite3_bind_int(s, 10, cm->vlan);
	sqlite3_bind_int64(s, 11, cm->flags);
	sqlite3_bind_int64(s, 12, (sqlite3_int64)cm->len);
	bind_header(s, m);
	bind_question(s, m);
	bind_edns(s, m);
	if (m->err != ST_OK) {
		sqlite3_bind_text(s, 38, m->why ? m->why : st_strerror(m->err), -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 39, (sqlite3_int64)m->err_off);
	}
	if (query_id > 0) {
		sqlite3_bind_int64(s, 40, query_id);
		sqlite3_bind_int64(s, 41, latency_ns);
	}
	if (db_step(db, s))
		return ST_EDB;
	int64_t id = sqlite3_last_insert_rowid(db->h);
	s = db->st[ST_WIRE];
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob(s, 2, cm->wire, (int)cm->len, SQLITE_STATIC);
	if (db_step(db, s))
		return ST_EDB;
	if (add_options(db, id, m))
		return ST_EDB;
	db->pending++;
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
	if (db_begin(db))
		return ST_EDB;
	sqlite3_stmt *s = db->st[ST_ANOM];
	sqlite3_bind_int64(s, 1, file);
	if (frame)
		sqlite3_bind_int64(s, 2, (sqlite3_int64)frame);
	sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
	if (detail)
		sqlite3_bind_text(s, 4, detail, -1, SQLITE_TRANSIENT);
	if (message_id > 0)
		sqlite3_bind_int64(s, 5, message_id);
	db->pending++;
	return db_step(db, s);
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
	if (db_begin(db))
		return ST_EDB;
	sqlite3_stmt *s = db->st[ST_CAPTURE];
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, fi->path, -1, SQLITE_STATIC);
	if (fi->format)
		sqlite3_bind_text(s, 3, fi->format, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, fi->linktype);
	sqlite3_bind_int64(s, 5, fi->tsresol_ns);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)fi->frames);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)fi->bytes);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)fi->file_size);
	if (fi->frames) {
		sqlite3_bind_int64(s, 9, fi->first_ts_ns);
		sqlite3_bind_int64(s, 10, fi->last_ts_ns);
	}
	sqlite3_bind_text(s, 11, status_name(fi->status), -1, SQLITE_STATIC);
	if (fi->status != ST_OK)
		sqlite3_bind_text(s, 12, fi->error, -1, SQLITE_STATIC);
	return db_step(db, s);
}

static int set_pair(struct an_db *db, enum db_stmt which, const char *key,
		    const char *text, int64_t value)
{
	if (db_begin(db))
		return ST_EDB;
	sqlite3_stmt *s = db->st[which];
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(s, 2, value);
	return db_step(db, s);
}

int an_db_set_meta(struct an_db *db, const char *key, const char *value)
{
	return set_pair(db, ST_META, key, value, 0);
}

int an_db_set_stat(struct an_db *db, const char *key, int64_t value)
{
	return set_pair(db, ST_STAT, key, NULL, value);
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
	if (an_db_maybe_commit(db, 1) || db_exec(db, "BEGIN") || db_exec(db, index_sql))
		return ST_EDB;
	if (db_exec(db, "INSERT OR REPLACE INTO meta VALUES ('status', 'complete'); COMMIT"))
		return ST_EDB;
	return db_exec(db, "PRAGMA optimize");
}

void an_db_close(struct an_db *db)
{
	if (!db)
		return;
	(void)sig_flush_all(db);
	if (db->in_txn)
		(void)db_exec(db, "COMMIT");
	for (int i = 0; i < ST_N; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->h);
	free(db->sigcache);
	free(db);
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
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
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

static void bind_opt_text(sqlite3_stmt *s, int col, const char *text)
{
	if (text)
		sqlite3_bind_text(s, col, text, -1, SQLITE_TRANSIENT);
}

int64_t an_db_add_key(struct an_db *db, const struct an_db_key *k)
{
	if (db_begin(db))
		return ST_EDB;
	sqlite3_stmt *s = db->st[ST_KEY];
	sqlite3_bind_text(s, 1, k->zone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 2, k->tag);
	sqlite3_bind_int(s, 3, k->algorithm);
	sqlite3_bind_int(s, 4, k->flags);
	sqlite3_bind_text(s, 5, k->fingerprint, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 6, k->key_bits);
	sqlite3_bind_int64(s, 7, k->first_ts_ns);
	sqlite3_bind_int64(s, 8, k->last_ts_ns);
	sqlite3_bind_int64(s, 9, (sqlite3_int64)k->seen);
	sqlite3_bind_int64(s, 10, k->ttl);
	sqlite3_bind_int(s, 11, k->tag_collision);
	sqlite3_bind_blob(s, 12, k->rdata, (int)k->rdlen, SQLITE_STATIC);
	if (db_step(db, s))
		return ST_EDB;
	db->pending++;
	return sqlite3_last_insert_rowid(db->h);
}

int an_db_update_key(struct an_db *db, int64_t id, const struct an_db_key *k)
{
	if (db_begin(db))
		return ST_EDB;
	sqlite3_stmt *s = db->st[ST_KEY_UPDATE];
	sqlite3_bind_int64(s, 1, k->last_ts_ns);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)k->seen);
	sqlite3_bind_int64(s, 3, k->ttl);
	sqlite3_bind_int(s, 4, k->tag_collision);
	sqlite3_bind_int64(s, 5, id);
	return db_step(db, s);
}

static int sig_flush(struct an_db *db, struct db_sigslot *c)
{
	if (!c->id || !c->uses)
		return ST_OK;
	if (db_begin(db))
		return ST_EDB;
	sqlite3_stmt *s = db->st[ST_SIG_FLUSH];
	sqlite3_bind_int64(s, 1, c->last_ts);
	sqlite3_bind_int64(s, 2, c->uses);
	sqlite3_bind_int64(s, 3, c->valid);
	bind_opt_text(s, 4, c->reason);
	if (c->ede >= 0)
		sqlite3_bind_int(s, 5, c->ede);
	if (c->key_id > 0)
		sqlite3_bind_int64(s, 6, c->key_id);
	sqlite3_bind_int64(s, 7, c->id);
	c->uses = c->valid = 0;
	c->reason = NULL;
	c->ede = -1;
	c->key_id = 0;
	db->pending++;
	return db_step(db, s);
}

static int sig_flush_all(struct an_db *db)
{
	for (size_t i = 0; db->sigcache && i < DB_SIGCACHE_SLOTS; i++)
		if (sig_flush(db, &db->sigcache[i]))
			return ST_EDB;
	return ST_OK;
}

static int64_t sig_upsert(struct an_db *db, const struct an_db_sig *g, int64_t *uses)
{
	sqlite3_stmt *s = db->st[ST_SIG];
	sqlite3_bind_blob(s, 1, g->hash, 16, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, g->zone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, g->owner, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 4, g->type_covered);
	sqlite3_bind_int(s, 5, g->algorithm);
	sqlite3_bind_int(s, 6, g->key_tag);
	sqlite3_bind_int(s, 7, g->labels);
	sqlite3_bind_int64(s, 8, g->orig_ttl);
	sqlite3_bind_int64(s, 9, g->inception);
	sqlite3_bind_int64(s, 10, g->expiration);
	sqlite3_bind_int64(s, 11, g->ts_ns);
	sqlite3_bind_int64(s, 12, g->ts_ns);
	sqlite3_bind_int(s, 13, g->valid);
	if (!g->valid) {
		bind_opt_text(s, 14, g->reason);
		if (g->ede >= 0)
			sqlite3_bind_int(s, 15, g->ede);
	}
	if (g->key_id > 0)
		sqlite3_bind_int64(s, 16, g->key_id);
	int rc = sqlite3_step(s);
	int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	*uses = rc == SQLITE_ROW ? sqlite3_column_int64(s, 1) : 0;
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE || id <= 0)
		return db_fail(db);
	db->pending++;
	return id;
}

int64_t an_db_use_signature(struct an_db *db, const struct an_db_sig *g, int64_t *uses)
{
	if (db_begin(db))
		return ST_EDB;
	unsigned slot = (unsigned)(g->hash[0] | g->hash[1] << 8) % DB_SIGCACHE_SLOTS;
	struct db_sigslot *c = db->sigcache ? &db->sigcache[slot] : NULL;
	if (c && c->id && !memcmp(c->hash, g->hash, 16)) {
		c->uses++;
		c->uses_total++;
		c->valid += g->valid;
		if (g->ts_ns > c->last_ts)
			c->last_ts = g->ts_ns;
		if (!g->valid) {
			c->reason = g->reason;
			c->ede = g->ede;
		}
		if (g->key_id > 0)
			c->key_id = g->key_id;
		*uses = c->uses_total;
		return c->id;
	}
	if (c && sig_flush(db, c))
		return ST_EDB;
	int64_t id = sig_upsert(db, g, uses);
	if (id > 0 && c) {
		memcpy(c->hash, g->hash, 16);
		c->id = id;
		c->uses_total = *uses;
		c->uses = c->valid = 0;
		c->last_ts = g->ts_ns;
		c->reason = NULL;
		c->ede = -1;
		c->key_id = 0;
	}
	return id;
}

int an_db_add_sig_check(struct an_db *db, int64_t message_id, int64_t signature_id,
			int64_t ts_ns, const char *server, const char *verdict,
			const char *reason, int ede, const char *chain)
{
	if (db_begin(db))
		return ST_EDB;
	sqlite3_stmt *s = db->st[ST_SIG_CHECK];
	sqlite3_bind_int64(s, 1, message_id);
	sqlite3_bind_int64(s, 2, signature_id);
	sqlite3_bind_int64(s, 3, ts_ns);
	sqlite3_bind_text(s, 4, server, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, verdict, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, reason, -1, SQLITE_STATIC);
	if (ede >= 0)
		sqlite3_bind_int(s, 7, ede);
	sqlite3_bind_text(s, 8, chain, -1, SQLITE_STATIC);
	db->pending++;
	return db_step(db, s);
}

int an_db_add_response_verdict(struct an_db *db, int64_t message_id, const char *expected,
			       const char *reason, int ede)
{
	if (db_begin(db))
		return ST_EDB;
	sqlite3_stmt *s = db->st[ST_RESPONSE];
	sqlite3_bind_int64(s, 1, message_id);
	sqlite3_bind_text(s, 2, expected, -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
	if (ede >= 0)
		sqlite3_bind_int(s, 4, ede);
	db->pending++;
	return db_step(db, s);
}

int an_db_add_finding(struct an_db *db, const struct an_db_finding *f)
{
	if (db_begin(db))
		return ST_EDB;
	sqlite3_stmt *s = db->st[ST_FINDING];
	sqlite3_bind_text(s, 1, f->kind, -1, SQLITE_STATIC);
	bind_opt_text(s, 2, f->zone);
	if (f->key_tag >= 0)
		sqlite3_bind_int(s, 3, f->key_tag);
	bind_opt_text(s, 4, f->detail);
	sqlite3_bind_int64(s, 5, f->capture_id);
	if (f->frame)
		sqlite3_bind_int64(s, 6, (sqlite3_int64)f->frame);
	if (f->message_id > 0)
		sqlite3_bind_int64(s, 7, f->message_id);
	sqlite3_bind_int64(s, 8, f->ts_ns);
	db->pending++;
	return db_step(db, s);
}

int an_db_add_recovered(struct an_db *db, const struct an_db_recovered *r)
{
	if (db_begin(db))
		return ST_EDB;
	sqlite3_stmt *s = db->st[ST_RECOVERED];
	sqlite3_bind_text(s, 1, r->zone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 2, r->algorithm);
	sqlite3_bind_int(s, 3, r->signature_tag);
	sqlite3_bind_int(s, 4, r->tag_zsk);
	sqlite3_bind_int(s, 5, r->tag_ksk);
	sqlite3_bind_blob(s, 6, r->key, (int)r->key_len, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, r->fingerprint, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)r->signatures);
	sqlite3_bind_int64(s, 9, r->first_ts_ns);
	sqlite3_bind_int64(s, 10, r->last_ts_ns);
	db->pending++;
	return db_step(db, s);
}
