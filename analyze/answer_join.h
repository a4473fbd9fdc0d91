/* analyze/answer_join.h -- resolver_answers (resolver_checks.h) by a merge
 * join in time order, for the incident pass of an analysis.
 *
 * Needs temp.an_ede and the endpoints and resolver_links rows of the
 * pass. Returns ST_OK (rows written), ST_EDB, ST_ENOMEM, or ST_ELIMIT when
 * the stored messages are not in time order or more than
 * AN_ANSWER_JOIN_MAX_WAITING upstream answers would wait at once: then it
 * has written nothing and the caller runs the SQL form, an_answers_build(). */
#pragma once
#include <stdint.h>

struct sqlite3;

#define AN_ANSWER_JOIN_MAX_WAITING 200000

int an_answers_join(struct sqlite3 *h);
