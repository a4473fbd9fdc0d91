/* analyze/endpoint_tally.h -- what each source address sent, counted as the
 * capture streams by.
 *
 * The roles of analyze/roles.c (client: RD queries; resolver: RD+RA
 * answers; upstream: non-RD queries; authoritative: AA or non-RD answers)
 * are counts and first/last times per source address. Grouping a million
 * message rows by address text in SQL took half a second per capture of
 * a million packets (docs/bench.md); a hash table here costs nothing
 * measurable. Bounded: past AN_TALLY_MAX_ADDRS addresses the tally stops
 * and an_tally_store() says so, and roles.c groups in SQL as before. */
#pragma once
#include <stdint.h>

#include "capture/frame.h"
#include "decode/msg.h"

#define AN_TALLY_MAX_ADDRS 65536

struct an_tally;
struct sqlite3;

struct an_tally *an_tally_new(void);
void an_tally_free(struct an_tally *t);
/* One message from src (every message counts for the span; only those
 * with a whole header for the roles). */
void an_tally_message(struct an_tally *t, const struct cap_endpoint *src,
		      const struct dec_msg *m, int64_t ts_ns);
/* Time from the first message to the last (0 with none): what
 * SELECT max(ts_ns) - min(ts_ns) FROM messages gives. */
int64_t an_tally_span(const struct an_tally *t);
/* 1 if every message came no earlier than the one before it: row order
 * in `messages` is then time order (0 for NULL). */
int an_tally_in_time_order(const struct an_tally *t);
/* Writes the `endpoints` rows (the table is emptied first), in the order
 * roles.c's SQL would: role by role, addresses sorted as text. Returns
 * ST_OK, ST_EDB, ST_ENOMEM, or ST_ELIMIT when the tally overflowed (nothing written). */
int an_tally_store(const struct an_tally *t, struct sqlite3 *h);
