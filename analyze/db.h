/* analyze/db.h -- the analysis database: the only writer of SQLite.
 *
 * One database file per analysis (docs/schema.md). The writer opens it,
 * creates the schema, and inserts rows with statements prepared once, on a
 * writer thread of its own (analyze/dbq.h), in batched transactions (one
 * per AN_DB_BATCH rows, or an_db_maybe_commit(db, 1)). Row ids returned
 * here are final at once; the rows reach the database a little later, so
 * other code reads through an_db_handle(), which waits for them. Secondary indexes are created by
 * an_db_finish(), after the bulk load. Packet-derived text reaches SQLite
 * only through sqlite3_bind_*, already escaped to printable ASCII.
 *
 * The reader side (report/, tui/, `sigtrail summary`) opens a database
 * with an_db_open_read(), which treats the file as untrusted: read-only,
 * defensive, trusted_schema off, schema version checked, and quick_check
 * for databases up to AN_DB_QUICK_CHECK_MAX (it reads every page). */
#pragma once
#include <stdint.h>
#include "capture/frame.h"
#include "capture/source.h"
#include "decode/msg.h"

#define AN_DB_SCHEMA_VERSION 3
#define AN_DB_BATCH 20000
/* Anomaly rows kept per kind; every anomaly is still counted. */
#define AN_DB_ANOMALY_ROWS_PER_KIND 1000
/* How long a commit waits for readers of the database to let go, and a
 * reader for a commit. */
#define AN_DB_BUSY_WAIT_MS 60000
#define AN_DB_READ_WAIT_MS 5000
/* Readers run PRAGMA quick_check on databases up to this size only. */
#define AN_DB_QUICK_CHECK_MAX (256LL << 20)

struct an_db;
struct sqlite3;

/* How the load is journaled. AN_DB_READERS: WAL from the start, so that
 * other processes can read while rows arrive (live capture). AN_DB_BULK:
 * a rollback journal until an_db_index_start() or an_db_finish() switch
 * to WAL. New pages are appended past the journaled ones, so each page
 * is written once instead of once into the WAL and again at the
 * checkpoint (about a third of a second per million packets); commits
 * stay atomic, so a killed load still leaves a readable database with
 * meta.status 'running'. */
enum an_db_load { AN_DB_READERS, AN_DB_BULK };

/* Creates (or truncates) path and the schema. On failure returns NULL
 * and writes a sentence into err. */
struct an_db *an_db_create(const char *path, enum an_db_load load, char *err, size_t errlen);

/* One DNS message and its decode. Returns the message's row id (> 0) or a
 * negative st_err (ST_EDB). query_id/latency_ns: 0 when unknown. */
int64_t an_db_add_message(struct an_db *db, const struct cap_msg *cm,
			  const struct dec_msg *m, int64_t query_id,
			  int64_t latency_ns);
int an_db_add_anomaly(struct an_db *db, uint32_t file, uint64_t frame,
		      const char *kind, const char *detail, int64_t message_id);
int an_db_add_capture(struct an_db *db, uint32_t id, const struct cap_file_info *fi);
int an_db_set_meta(struct an_db *db, const char *key, const char *value);
int an_db_set_stat(struct an_db *db, const char *key, int64_t value);
/* Commits when AN_DB_BATCH rows are pending (or always if force). */
int an_db_maybe_commit(struct an_db *db, int force);
/* Commits, writes anomaly counts, builds indexes, marks the analysis
 * complete. */
int an_db_finish(struct an_db *db);
/* Starts building the secondary indexes on a second connection and
 * thread (after committing every row), so that the caller can run its
 * own read-mostly pass meanwhile: that pass must write to TEMP tables
 * only until an_db_index_wait(). an_db_finish() waits for it; if the
 * thread cannot start, an_db_finish() builds them itself. */
int an_db_index_start(struct an_db *db);
int an_db_index_wait(struct an_db *db);
/* The underlying handle, for analyze/ passes that run SQL over what was
 * stored (incidents). Constant SQL and bound parameters only. Waits until
 * every row given so far is committed; the handle is this thread's alone
 * until the next an_db_* call that adds a row. */
struct sqlite3 *an_db_handle(struct an_db *db);
/* The last SQLite error text, for the user. */
const char *an_db_errmsg(const struct an_db *db);
void an_db_close(struct an_db *db);

/* Validation rows (schema version 2). Text fields are escaped ASCII. */
struct an_db_key {
	const char *zone, *fingerprint;
	uint16_t tag, flags;
	uint8_t algorithm;
	int key_bits;
	int64_t first_ts_ns, last_ts_ns;
	uint64_t seen;
	uint32_t ttl;
	int tag_collision;
	const uint8_t *rdata;
	size_t rdlen;
};
/* Returns the new row id (> 0) or ST_EDB. */
int64_t an_db_add_key(struct an_db *db, const struct an_db_key *k);
/* Refreshes last_ts_ns, seen, ttl and tag_collision of row id. */
int an_db_update_key(struct an_db *db, int64_t id, const struct an_db_key *k);

struct an_db_sig {
	const uint8_t *hash;      /* 16 bytes identifying the signature */
	const char *zone, *owner;
	uint16_t type_covered, key_tag;
	uint8_t algorithm, labels;
	uint32_t orig_ttl, inception, expiration;
	int64_t ts_ns;
	int valid;
	const char *reason;       /* when not valid */
	int ede;                  /* -1 for none */
	int64_t key_id;           /* 0 unless a stored key verified it */
};
/* Inserts the signature or counts one more use of it; returns a reference
 * to it for an_db_add_sig_check() (valid until the next call), or a
 * negative st_err. If uses is not NULL, sets *uses to its use count (1
 * when it was new): that waits for the writer thread when the count is
 * not known here, so pass NULL unless it matters. */
int64_t an_db_use_signature(struct an_db *db, const struct an_db_sig *g, int64_t *uses);
int an_db_add_sig_check(struct an_db *db, int64_t message_id, int64_t signature_ref,
			int64_t ts_ns, const char *server, const char *verdict,
			const char *reason, int ede, const char *chain);
/* expected: static text; reason static or NULL; ede -1 for none. */
int an_db_add_response_verdict(struct an_db *db, int64_t message_id, const char *expected,
			       const char *reason, int ede);

struct an_db_finding {
	const char *kind;         /* static snake_case */
	const char *zone;         /* escaped, may be NULL */
	int key_tag;              /* -1 for none */
	const char *detail;       /* composed by sigtrail, escaped */
	uint32_t capture_id;
	uint64_t frame;
	int64_t message_id;
	int64_t ts_ns;
};
int an_db_add_finding(struct an_db *db, const struct an_db_finding *f);

struct an_db_recovered {
	const char *zone, *fingerprint;
	uint8_t algorithm;
	uint16_t signature_tag, tag_zsk, tag_ksk;
	const uint8_t *key;
	size_t key_len;
	uint64_t signatures;
	int64_t first_ts_ns, last_ts_ns;
};
int an_db_add_recovered(struct an_db *db, const struct an_db_recovered *r);

/* Reader: a sqlite3 handle on an untrusted database, or NULL with err
 * filled (missing file, not a database, wrong schema version). Close
 * with sqlite3_close(). */
struct sqlite3 *an_db_open_read(const char *path, char *err, size_t errlen);
