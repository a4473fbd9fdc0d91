/* tests/unit/test_analyze_txn.c -- query/response matching: match keys,
 * retransmissions, timeouts on the capture clock, eviction at the cap,
 * hostile timestamps. */
#include <string.h>
#include "analyze/txn.h"
#include "tests/tap.h"

static struct cap_msg cm_make(int64_t ts, uint8_t client_last, uint16_t cport, int response)
{
	struct cap_msg cm;
	memset(&cm, 0, sizeof(cm));
	cm.ts_ns = ts;
	cm.transport = CAP_UDP;
	struct cap_endpoint client = { .family = 4, .addr = { 10, 0, 0, client_last }, .port = cport };
	struct cap_endpoint server = { .family = 4, .addr = { 10, 0, 0, 53 }, .port = 53 };
	cm.src = response ? server : client;
	cm.dst = response ? client : server;
	return cm;
}

static struct dec_msg msg_make(uint16_t id, const char *label, uint16_t qtype, int qr)
{
	struct dec_msg m;
	memset(&m, 0, sizeof(m));
	m.id = id;
	m.qr = qr;
	m.qtype = qtype;
	m.has_question = 1;
	size_t n = strlen(label);
	m.qname.wire[0] = (uint8_t)n;
	memcpy(m.qname.wire + 1, label, n);
	m.qname.len = (uint8_t)(n + 2);
	m.qname.labels = 1;
	return m;
}

int main(void)
{
	struct an_txn *t = an_txn_new(4, 30000000000LL);
	ok(t != NULL, "table created");
	struct cap_msg q = cm_make(1000, 1, 40000, 0), r = cm_make(1500, 1, 40000, 1);
	struct dec_msg mq = msg_make(7, "example", 1, 0), mr = msg_make(7, "EXAMPLE", 1, 1);
	an_txn_query(t, &q, &mq, 11);
	int64_t lat = -1;
	is_int(an_txn_response(t, &r, &mr, &lat), 11, "response matches its query, qname case-insensitive");
	is_int(lat, 500, "latency is the capture-time difference");
	is_int(an_txn_response(t, &r, &mr, &lat), 0, "a second response to the same query is unsolicited");

	an_txn_query(t, &q, &mq, 21);
	struct dec_msg other_type = msg_make(7, "example", 28, 1);
	is_int(an_txn_response(t, &r, &other_type, &lat), 0, "different qtype does not match");
	struct cap_msg r_other_port = cm_make(1500, 1, 40001, 1);
	is_int(an_txn_response(t, &r_other_port, &mr, &lat), 0, "different client port does not match");
	struct dec_msg other_id = msg_make(8, "example", 1, 1);
	is_int(an_txn_response(t, &r, &other_id, &lat), 0, "different id does not match");
	struct cap_msg q2 = cm_make(2000, 1, 40000, 0);
	an_txn_query(t, &q2, &mq, 22);
	is_int(an_txn_response(t, &r, &mr, &lat), 22, "a retransmitted query: the latest copy is answered");

	an_txn_expire(t, 2000 + 30000000001LL);
	is_int((long long)an_txn_stats(t)->expired, 1, "the older copy expires unanswered after 30 s");

	for (int i = 0; i < 6; i++) {
		struct cap_msg qi = cm_make(50000000000LL + i, (uint8_t)(100 + i), 1000, 0);
		an_txn_query(t, &qi, &mq, 100 + i);
	}
	is_int((long long)an_txn_stats(t)->evicted, 2, "6 queries into 4 slots: the 2 oldest evicted and counted");
	struct cap_msg r5 = cm_make(50000000010LL, 105, 1000, 1);
	is_int(an_txn_response(t, &r5, &mr, &lat), 105, "the newest queries are still matched");
	struct cap_msg r0 = cm_make(50000000010LL, 100, 1000, 1);
	is_int(an_txn_response(t, &r0, &mr, &lat), 0, "an evicted query is not matched");

	/* Hostile clocks: no signed overflow (UBSan would abort). */
	struct cap_msg qneg = cm_make(INT64_MIN + 5, 200, 53, 0);
	an_txn_query(t, &qneg, &mq, 300);
	struct cap_msg rmax = cm_make(INT64_MAX, 200, 53, 1);
	is_int(an_txn_response(t, &rmax, &mr, &lat), 300, "extreme timestamps still match");
	is_int(lat, 0, "an overflowing latency is reported as 0");
	an_txn_expire(t, INT64_MAX);
	is_int((long long)an_txn_stats(t)->queries, 10, "all queries counted");
	an_txn_free(t);

	/* Growth: 20 000 pending queries in a table that starts at 4096 and
	 * may grow to 65 536: none evicted, every one still matched. */
	t = an_txn_new(65536, 30000000000LL);
	for (int i = 0; i < 20000; i++) {
		struct cap_msg qi = cm_make(1000 + i, (uint8_t)i, (uint16_t)(1024 + i), 0);
		an_txn_query(t, &qi, &mq, 1000 + i);
	}
	int matched = 0;
	for (int i = 0; i < 20000; i++) {
		struct cap_msg ri = cm_make(2000000 + i, (uint8_t)i, (uint16_t)(1024 + i), 1);
		matched += an_txn_response(t, &ri, &mr, &lat) == 1000 + i;
	}
	is_int(matched, 20000, "20 000 queries pending through two doublings: all matched to the right one");
	is_int((long long)an_txn_stats(t)->evicted, 0, "none evicted while below the maximum");
	an_txn_free(t);
	return done_testing();
}
