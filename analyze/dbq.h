/* analyze/dbq.h -- the database write queue: rows are built on the capture
 * thread and bound, stepped and committed on a writer thread.
 *
 * Why a thread of our own: on a capture of a million packets SQLite's
 * inserts take longer than reading, decoding and validating the packets
 * (docs/bench.md), and the machine has a second core. The capture thread
 * encodes each row (statement number plus typed column values, copied)
 * into 1 MiB chunks; the writer applies them in order. At most
 * DBQ_CHUNKS chunks exist, so a slow disk stalls the capture thread
 * instead of growing memory.
 *
 * Ownership: an_db (analyze/db.c) owns the queue, the connection and the
 * prepared statements. Between an_dbq_sync() and the next row the writer
 * is idle and the calling thread may use the connection itself, and the
 * statements, which the sync leaves with no values bound.
 *
 * Transactions: the writer opens one before the first row and commits
 * every DBQ_BATCH rows, on an_dbq_commit(), and before going idle in
 * an_dbq_sync(). Errors are sticky: the first failed step is kept with
 * SQLite's message; later rows are dropped and every call returns ST_EDB. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define DBQ_CHUNK_BYTES (1u << 20)
#define DBQ_CHUNKS 8
/* Slots of writer-side row ids a row can set and later rows can bind:
 * the signature cache's slots (analyze/db.c). */
#define DBQ_SLOTS 65536

struct an_dbq;
struct sqlite3;
struct sqlite3_stmt;

/* Starts the writer thread over connection h and statements st[0..nst).
 * batch: rows per transaction. NULL if the thread cannot start. */
struct an_dbq *an_dbq_start(struct sqlite3 *h, struct sqlite3_stmt *const *st, int nst,
			    unsigned batch);
/* Applies what is queued, commits, stops the thread and frees the queue.
 * Returns the sticky error, if any. */
int an_dbq_stop(struct an_dbq *q);

/* One row: an_dbq_row(), its values by 1-based column (unset columns are
 * NULL), an_dbq_end(). Text and blobs are copied; an_dbq_static() keeps
 * a pointer to text of static storage duration. */
void an_dbq_row(struct an_dbq *q, int stmt);
void an_dbq_int(struct an_dbq *q, int col, int64_t v);
void an_dbq_text(struct an_dbq *q, int col, const char *s);
void an_dbq_static(struct an_dbq *q, int col, const char *s);
void an_dbq_blob(struct an_dbq *q, int col, const void *p, size_t n);
/* Binds the row id that an earlier row stored in slot. */
void an_dbq_slot(struct an_dbq *q, int col, unsigned slot);
/* After stepping, store column 0 of the row's result (RETURNING id) in slot. */
void an_dbq_returns(struct an_dbq *q, unsigned slot);
int an_dbq_end(struct an_dbq *q);

/* Commit what the writer has applied once it gets here (no waiting). */
int an_dbq_commit(struct an_dbq *q);
/* Waits until every queued row is applied and committed; the writer is
 * then idle until the next row. */
int an_dbq_sync(struct an_dbq *q);
/* The writer's id in slot, or set it: only between an_dbq_sync() and the
 * next row. */
int64_t an_dbq_slot_id(const struct an_dbq *q, unsigned slot);
void an_dbq_set_slot_id(struct an_dbq *q, unsigned slot, int64_t id);
/* The first error's text ("" if none). */
const char *an_dbq_error(struct an_dbq *q);
