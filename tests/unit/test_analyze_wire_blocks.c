/* tests/unit/test_analyze_wire_blocks.c -- message bytes stored in blocks
 * (analyze/wire_blocks.h): the entry reader on hostile blobs, and the
 * writer in db.c through an analysis database, with blocks flushed before
 * they fill (a read in the middle of the load) and written again whole. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/db.h"
#include "analyze/wire_blocks.h"
#include "decode/msg.h"
#include "tests/tap.h"
#include "util/arena.h"
#include "util/err.h"

static void test_entries(void)
{
	struct an_wire_block b = { 0 };
	uint8_t big[70000];
	const uint8_t *p;
	size_t n;

	memset(big, 0xab, sizeof(big));
	is_int(an_wire_block_add(&b, 7, (const uint8_t *)"abc", 3), ST_OK, "first entry");
	is_int(an_wire_block_add(&b, 8, NULL, 0), ST_OK, "an empty entry");
	is_int(an_wire_block_add(&b, 10, (const uint8_t *)"x", 1), ST_EINVAL, "an id out of sequence");
	is_int(an_wire_block_add(&b, 9, big, sizeof(big)), ST_OK, "an oversized entry is cut");
	is_int((int)b.first_id, 7, "block starts at the first id");
	is_int((int)an_wire_block_next_id(&b), 10, "next id");
	ok(an_wire_block_full(&b), "past AN_WIRE_BLOCK_BYTES the block is full");
	ok(an_wire_block_entry(b.buf, b.len, 0, &p, &n) && n == 3 && !memcmp(p, "abc", 3), "entry 0");
	ok(an_wire_block_entry(b.buf, b.len, 1, &p, &n) && n == 0, "entry 1, empty");
	ok(an_wire_block_entry(b.buf, b.len, 2, &p, &n) && n == AN_WIRE_ENTRY_MAX && p[n - 1] == 0xab,
	   "entry 2, cut to 65535 bytes");
	ok(!an_wire_block_entry(b.buf, b.len, 3, &p, &n), "no entry 3");
	ok(!an_wire_block_entry(b.buf, b.len, -1, &p, &n), "no entry -1");
	ok(!an_wire_block_entry(b.buf, b.len, 1LL << 40, &p, &n), "no entry 2^40");
	ok(!an_wire_block_entry(b.buf, 4, 0, &p, &n), "a length past the end of the blob");
	ok(!an_wire_block_entry(b.buf, 1, 0, &p, &n), "half a length");
	ok(!an_wire_block_entry(NULL, 0, 0, &p, &n), "no blob");
	const uint8_t zeros[4] = { 0 };
	ok(an_wire_block_entry(zeros, sizeof(zeros), 1, &p, &n) && n == 0, "zero lengths are entries");
	ok(!an_wire_block_entry(zeros, sizeof(zeros), 2, &p, &n), "and end with the blob");
	an_wire_block_clear(&b);
	is_int((int)b.n, 0, "cleared");
	is_int(an_wire_block_add(&b, 100, (const uint8_t *)"z", 1), ST_OK, "a new block after a clear");
	is_int((int)b.first_id, 100, "with its own first id");
	an_wire_block_free(&b);
}

/* A query for name<i>.example with DNS id i. */
static size_t query(uint8_t *w, int i)
{
	char label[16];
	int len = snprintf(label, sizeof(label), "name%d", i);
	size_t n = 0;
	const uint8_t hdr[12] = { (uint8_t)(i >> 8), (uint8_t)i, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	memcpy(w, hdr, 12);
	n = 12;
	w[n++] = (uint8_t)len;
	memcpy(w + n, label, (size_t)len);
	n += (size_t)len;
	memcpy(w + n, "\7example\0\0\1\0\1", 13);
	return n + 13;
}

static void test_through_db(void)
{
	char path[] = "/tmp/st_wire_XXXXXX", err[256];
	int fd = mkstemp(path);
	if (fd >= 0)
		close(fd);
	struct an_db *db = an_db_create(path, AN_DB_BULK, err, sizeof(err));
	ok(db != NULL, "database created %s", db ? "" : err);
	if (!db)
		return;
	struct st_arena *ar = st_arena_new(1 << 20);
	const int total = 3 * AN_WIRE_BLOCK_MSGS + 5;
	int failed = 0;
	for (int i = 1; i <= total; i++) {
		uint8_t w[64];
		struct dec_msg m;
		struct cap_msg cm = { .ts_ns = i, .frame = (uint64_t)i, .first_frame = (uint64_t)i };
		cm.wire = w;
		cm.len = query(w, i);
		memset(&m, 0, sizeof(m));
		st_arena_reset(ar);
		dec_msg_parse(&m, w, cm.len, ar);
		if (an_db_add_message(db, &cm, &m, 0, 0) != i)
			failed++;
		/* reads in the middle of blocks: each flushes the open block */
		if (i == 10 || i == 11 || i == AN_WIRE_BLOCK_MSGS + 1)
			(void)an_db_handle(db);
	}
	is_int(failed, 0, "%d messages stored with ids 1..%d", total, total);
	sqlite3 *h = an_db_handle(db);
	sqlite3_stmt *st;
	int good = 0, blocks = 0;
	sqlite3_prepare_v2(h, "SELECT count(*) FROM message_wire_blocks", -1, &st, NULL);
	if (sqlite3_step(st) == SQLITE_ROW)
		blocks = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	is_int(blocks, 4, "four blocks, the flushed ones replaced by whole ones");
	/* the reader's query, documented in wire_blocks.h */
	sqlite3_prepare_v2(h, "SELECT first_id, wires FROM message_wire_blocks WHERE first_id <= ?1"
			   " ORDER BY first_id DESC LIMIT 1", -1, &st, NULL);
	for (int i = 1; i <= total; i++) {
		uint8_t w[64];
		size_t n = query(w, i), len;
		const uint8_t *p;
		sqlite3_reset(st);
		sqlite3_bind_int(st, 1, i);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    an_wire_block_entry(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
					i - sqlite3_column_int64(st, 0), &p, &len) &&
		    len == n && !memcmp(p, w, n))
			good++;
	}
	sqlite3_finalize(st);
	is_int(good, total, "every message's bytes read back");
	st_arena_free(ar);
	an_db_close(db);
	unlink(path);
}

int main(void)
{
	test_entries();
	test_through_db();
	return done_testing();
}
