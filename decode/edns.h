/* decode/edns.h -- private to decode/: the EDNS0 OPT pseudo-RR (RFC 6891)
 * as seen by dec_msg_parse(). Not for use outside decode/. */
#pragma once
#include <stddef.h>
#include "decode/msg.h"

struct st_arena;

/* Records the first anomaly of a message (later ones are dropped, except
 * ST_ENOMEM which always wins). Defined in msg.c. */
void dec_msg_note(struct dec_msg *m, int err, const char *why, size_t off);

/* Handles one OPT RR: decodes the first one found in the additional
 * section into m->edns, counts and records the others (THREATS E1).
 * Returns ST_ENOMEM if the arena is spent, else ST_OK (anomalies go to
 * m->err through dec_msg_note). */
int dec_edns_opt(struct dec_msg *m, const struct dec_rr *rr, struct st_arena *arena);
