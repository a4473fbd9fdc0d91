/* analyze/row_counts.h -- what db.c wrote, counted as it writes.
 *
 * The closing summary of `sigtrail analyze` (and `sigtrail summary`) shows
 * how many messages, queries, responses, rcodes and signature checks the
 * database holds. Recounting them took eleven scans of a million rows,
 * about a third of a second per million packets (docs/bench.md); counted
 * here while the rows are queued, they cost nothing measurable. db.c keeps
 * one of these and stores it in `stats` as rows_* keys when the analysis
 * completes; readers take them from there and scan only databases that
 * lack them (a live capture still running, or a killed one).
 * tests/system/t_row_counts.sh checks every key against the rows. */
#pragma once
#include <stdint.h>

#include "capture/frame.h"
#include "decode/msg.h"

#define AN_ROW_RCODES 4096 /* rcode with the EDNS extension: 12 bits */

struct sqlite3;

struct an_row_counts {
	int64_t messages, queries, responses, malformed;
	int64_t udp, tcp, reassembled;          /* transport; cap_flags & 1 */
	int64_t ts_first, ts_last;              /* valid when messages > 0 */
	int64_t rcode[AN_ROW_RCODES];           /* responses, by the rcode column */
	int64_t checks, checks_valid, checks_bogus, checks_indeterminate, checks_unsupported;
};

/* One `messages` row, as db.c binds it (qr and rcode exist only with a
 * whole 12-byte header). */
void an_row_counts_message(struct an_row_counts *c, const struct cap_msg *cm,
			   const struct dec_msg *m);
/* One `sig_checks` row with this verdict. */
void an_row_counts_check(struct an_row_counts *c, const char *verdict);

/* Calls put(ctx, key, value) for every rows_* stat to store: the fixed
 * keys always, rows_rcode_N for each rcode seen. Stops at the first
 * non-zero return of put and returns it. */
int an_row_counts_each(const struct an_row_counts *c,
		       int (*put)(void *ctx, const char *key, int64_t value), void *ctx);

/* Reads them back from a database's `stats`. Returns 1 when they are
 * there (the analysis completed), 0 when not or on error; c is zeroed
 * first either way. */
int an_row_counts_read(struct sqlite3 *h, struct an_row_counts *c);
