/* analyze/txn.h -- query/response matching (transactions).
 *
 * A response is matched to the latest query that went the opposite way
 * between the same two endpoints over the same transport with the same
 * DNS id, qtype and qname (case-insensitive). Pending queries live in a
 * bounded table in capture-time order: they expire after a timeout on the
 * capture's clock (counted as unanswered) and, when the table is full,
 * the oldest is evicted (counted). The table owns copies of what it keeps. */
#pragma once
#include <stdint.h>
#include "capture/frame.h"
#include "decode/msg.h"

#define AN_TXN_MAX_DEFAULT (1u << 20)        /* pending queries */
#define AN_TXN_TIMEOUT_DEFAULT 30000000000LL /* 30 s, ns */

struct an_txn_stats {
	uint64_t queries, responses, matched, unsolicited;
	uint64_t expired, evicted, duplicate_responses;
};

struct an_txn;

/* NULL when out of memory. max: pending queries kept (power of two not
 * required); timeout_ns: capture-time age at which a query is given up. */
struct an_txn *an_txn_new(uint32_t max, int64_t timeout_ns);
void an_txn_free(struct an_txn *t);
/* Records a query (QR=0 with a question) stored as message msg_id. */
void an_txn_query(struct an_txn *t, const struct cap_msg *cm,
		  const struct dec_msg *m, int64_t msg_id);
/* For a response: the message id of its query and the latency, or 0 when
 * none is pending (unsolicited). A matched query is removed. */
int64_t an_txn_response(struct an_txn *t, const struct cap_msg *cm,
			const struct dec_msg *m, int64_t *latency_ns);
/* Gives up queries older than the timeout at capture time now_ns. */
void an_txn_expire(struct an_txn *t, int64_t now_ns);
const struct an_txn_stats *an_txn_stats(const struct an_txn *t);
