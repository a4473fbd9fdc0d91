/* tests/unit/test_analyze_incident.c -- the incident pass on a tiny
 * synthetic database: one client, one resolver (client side 192.0.2.53,
 * upstream 192.0.2.1), one authoritative server for example. (signed);
 * example.'s signatures fail with
 * unpublished_key from t=100 s to t=140 s, the resolver answers SERVFAIL,
 * then NOERROR without AD to DO queries (a negative trust anchor). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "analyze/db.h"
#include "analyze/endpoint_tally.h"
#include "analyze/incident.h"
#include "analyze/roles.h"
#include "analyze/zonemap.h"
#include "tests/tap.h"
#include "util/err.h"

#define S 1000000000LL

/* Steps a one-row query the checks below read; a query that fails (a
 * typo, a renamed column) is a failed check, not checks silently skipped. */
static int query_row(sqlite3_stmt *st, const char *what)
{
	int row = sqlite3_step(st) == SQLITE_ROW;

	ok(row, "%s: the query returns its row", what);
	return row;
}

static sqlite3_stmt *msg_st;
/* msg_st's statement: the parameters msg() binds */
#define MSG_INSERT "INSERT INTO messages (capture_id, frame, first_frame, ts_ns, transport," \
	" src_addr, src_port, dst_addr, dst_port, cap_flags, size, qr, rd, ra, aa, ad, tc," \
	" rcode, qname, qtype, edns, edns_do, query_id, latency_ns)" \
	" VALUES (0, 1, 1, ?1, 'udp', ?2, 53, ?3, 53, 0, 12, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10, 1," \
	" 1, ?11, ?12, 50000000)"

/* One message; returns its id. */
static long long msg(long long t, const char *src, const char *dst, int qr, int rd, int ra,
		     int aa, int ad, int rcode, const char *qname, int edo, long long query_id)
{
	sqlite3_reset(msg_st);
	sqlite3_bind_int64(msg_st, 1, t);
	sqlite3_bind_text(msg_st, 2, src, -1, SQLITE_STATIC);
	sqlite3_bind_text(msg_st, 3, dst, -1, SQLITE_STATIC);
	sqlite3_bind_int(msg_st, 4, qr);
	sqlite3_bind_int(msg_st, 5, rd);
	sqlite3_bind_int(msg_st, 6, ra);
	sqlite3_bind_int(msg_st, 7, aa);
	sqlite3_bind_int(msg_st, 8, ad);
	sqlite3_bind_int(msg_st, 9, rcode);
	sqlite3_bind_text(msg_st, 10, qname, -1, SQLITE_STATIC);
	sqlite3_bind_int(msg_st, 11, edo);
	if (query_id)
		sqlite3_bind_int64(msg_st, 12, query_id);
	else
		sqlite3_bind_null(msg_st, 12);
	if (sqlite3_step(msg_st) != SQLITE_DONE)
		return -1;
	return sqlite3_last_insert_rowid(sqlite3_db_handle(msg_st));
}

/* A client query, the resolver's upstream query, the authoritative answer
 * (checked: bogus or valid), and the resolver's answer to the client. */
static void exchange(sqlite3 *h, long long t, const char *qname, int bogus, int rcode, int ad)
{
	sqlite3_stmt *st;
	long long cq = msg(t, "192.0.2.10", "192.0.2.53", 0, 1, 0, 0, 0, 0, qname, 1, 0);
	long long uq = msg(t + S / 100, "192.0.2.1", "198.51.100.1", 0, 0, 0, 0, 0, 0, qname, 1, 0);
	long long ur = msg(t + S / 50, "198.51.100.1", "192.0.2.1", 1, 0, 0, 1, 0, 0, qname, 0, uq);

	sqlite3_prepare_v2(h, "INSERT INTO sig_checks VALUES (?1, 1, ?2, '198.51.100.1', ?3, ?4, ?5, ?6)",
			   -1, &st, NULL);
	sqlite3_bind_int64(st, 1, ur);
	sqlite3_bind_int64(st, 2, t + S / 50);
	sqlite3_bind_text(st, 3, bogus ? "bogus" : "valid", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, bogus ? "unpublished_key" : "valid", -1, SQLITE_STATIC);
	if (bogus)
		sqlite3_bind_int(st, 5, 6);
	sqlite3_bind_text(st, 6, bogus ? "bogus" : "secure", -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
	msg(t + S / 20, "192.0.2.53", "192.0.2.10", 1, 1, 1, 0, ad, rcode, qname, 0, cq);
}

static void test_names(void)
{
	ok(an_name_under("www.Example.", "example."), "name under zone, any case");
	ok(an_name_under("example.", "example."), "zone under itself");
	ok(!an_name_under("wwwexample.", "example."), "label boundary respected");
	ok(!an_name_under("a\\.example.", "example."), "escaped dot is no label boundary");
	ok(an_name_under("anything.", "."), "everything under the root");
}

/* Every endpoints row, in table order, as one string. */
static void endpoints_dump(sqlite3 *h, char *out, size_t len)
{
	sqlite3_stmt *st;
	size_t n = 0;
	out[0] = 0;
	sqlite3_prepare_v2(h, "SELECT addr || ' ' || role || ' ' || first_ts_ns || ' ' || last_ts_ns"
			   " || ' ' || queries || ' ' || responses FROM endpoints ORDER BY rowid", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW && n < len)
		n += (size_t)snprintf(out + n, len - n, "%s\n", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* The streaming tally (analyze/endpoint_tally.c) writes exactly the rows
 * roles.c's GROUP BY over the messages table writes. */
static void test_tally_matches_sql(sqlite3 *h)
{
	static char by_sql[1 << 16], by_tally[1 << 16];
	struct an_tally *t = an_tally_new();
	sqlite3_stmt *st;

	endpoints_dump(h, by_sql, sizeof(by_sql));
	sqlite3_prepare_v2(h, "SELECT src_addr, qr, rd, ra, aa, ts_ns FROM messages ORDER BY id", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct cap_endpoint ep = { .family = 4 };
		struct dec_msg m = { .len = 12 };
		inet_pton(AF_INET, (const char *)sqlite3_column_text(st, 0), ep.addr);
		m.qr = sqlite3_column_int(st, 1);
		m.rd = sqlite3_column_int(st, 2);
		m.ra = sqlite3_column_int(st, 3);
		m.aa = sqlite3_column_int(st, 4);
		an_tally_message(t, &ep, &m, sqlite3_column_int64(st, 5));
	}
	sqlite3_finalize(st);
	sqlite3_exec(h, "BEGIN", NULL, NULL, NULL);
	is_int(an_tally_store(t, h), ST_OK, "tally stored");
	endpoints_dump(h, by_tally, sizeof(by_tally));
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	ok(by_sql[0] && strchr(by_sql, '\n') != strrchr(by_sql, '\n'), "several endpoint rows");
	is_str(by_tally, by_sql, "tally rows equal the SQL grouping, in the same order");
	ok(an_tally_span(t) == 195 * S + S / 2 + S / 20 - 10 * S, "span from first to last message");
	an_tally_free(t);
}

/* More resolvers than AN_ROLES_SCAN_RESOLVERS_MAX: the samples come from
 * the window-function form of an_cq; the link must not change. */
static void test_many_resolvers(struct an_db *db, sqlite3 *h)
{
	sqlite3_stmt *st;
	char addr[32];

	sqlite3_exec(h, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(h, "INSERT INTO messages (capture_id, frame, first_frame, ts_ns, transport,"
			   " src_addr, src_port, dst_addr, dst_port, cap_flags, size, qr, rd, ra, aa, ad, tc,"
			   " rcode, qname, qtype, edns) VALUES (0, 0, 0, ?1, 'udp', ?2, 53, '192.0.2.10', 53,"
			   " 0, 12, 1, 1, 1, 0, 0, 0, 0, 'other.', 1, 0)", -1, &st, NULL);
	for (int i = 0; i <= AN_ROLES_SCAN_RESOLVERS_MAX; i++) {
		snprintf(addr, sizeof(addr), "203.0.113.%d", i + 1);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, 20 * S + i);
		sqlite3_bind_text(st, 2, addr, -1, SQLITE_TRANSIENT);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
	is_int(an_incidents_build(db, NULL), ST_OK, "pass runs with %d resolvers", AN_ROLES_SCAN_RESOLVERS_MAX + 2);
	sqlite3_prepare_v2(h, "SELECT (SELECT count(*) FROM endpoints WHERE role = 'resolver'),"
			   " (SELECT group_concat(resolver_addr || '>' || upstream_addr) FROM resolver_links)",
			   -1, &st, NULL);
	if (query_row(st, "resolver roles past the scan limit")) {
		is_int(sqlite3_column_int(st, 0), AN_ROLES_SCAN_RESOLVERS_MAX + 2, "all resolvers seen");
		is_str((const char *)sqlite3_column_text(st, 1), "192.0.2.53>192.0.2.1",
		       "the same single link");
	}
	sqlite3_finalize(st);
}

/* Five more windows of bogus answers, far apart: enough incidents that
 * the pass indexes its checks by (zone, t) from the fourth on
 * (INC_ZT_INDEX_AFTER in incident.c); every incident, scanned or indexed,
 * must recover at the bucket of the first valid check after its end. */
static void test_many_incidents(struct an_db *db, sqlite3 *h)
{
	sqlite3_stmt *st;
	sqlite3_exec(h, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(h, MSG_INSERT, -1, &msg_st, NULL);
	for (int k = 0; k < 5; k++) {
		long long base = 2000 + 1000 * k;
		for (long long t = base - 50; t < base + 100; t += 5) {
			int bogus = t >= base && t <= base + 20 + 5 * k;
			exchange(h, t * S, "www.example.", bogus, bogus ? 2 : 0, !bogus);
		}
	}
	sqlite3_finalize(msg_st);
	/* latencies that differ, with ties, for the medians below */
	sqlite3_exec(h, "UPDATE messages SET frame = id;"
		     " UPDATE messages SET latency_ns = (id * 7919) % 1000 * 100000 WHERE qr = 1; COMMIT;",
		     NULL, NULL, NULL);
	is_int(an_incidents_build(db, NULL), ST_OK, "pass runs with six incidents");
	/* buckets.c takes the medians in C; the window query it replaced is
	 * the oracle (lower median of the answers with a latency) */
	sqlite3_prepare_v2(h, "SELECT count(*), sum(r.latency_median_ns IS (SELECT lat FROM"
		" (SELECT d.lat AS lat, row_number() OVER (ORDER BY d.lat) AS rn, count(*) OVER () AS n"
		"  FROM an_down d WHERE d.resolver = r.resolver AND d.b = r.bucket_start_ns AND d.lat > 0)"
		" WHERE rn = (n + 1) / 2)), count(DISTINCT r.latency_median_ns)"
		" FROM resolver_buckets r", -1, &st, NULL);
	if (query_row(st, "latency medians")) {
		ok(sqlite3_column_int(st, 0) > 20, "%d resolver buckets", sqlite3_column_int(st, 0));
		is_int(sqlite3_column_int(st, 1), sqlite3_column_int(st, 0),
		       "every latency median equals the window query's");
		ok(sqlite3_column_int(st, 2) > 5, "and the medians differ (%d values)",
		   sqlite3_column_int(st, 2));
	}
	sqlite3_finalize(st);
	sqlite3_prepare_v2(h, "SELECT count(*), sum(i.recovered_ns = (SELECT (min(c.ts_ns) / b.w) * b.w"
		"  FROM sig_checks c WHERE c.verdict = 'valid' AND c.ts_ns > i.end_ns)),"
		" sum((SELECT count(*) FROM incident_evidence e WHERE e.incident_id = i.id"
		"  AND e.claim = 'recovered') = 1)"
		" FROM incidents i, (SELECT max(bucket_ns) AS w FROM sig_buckets) b", -1, &st, NULL);
	if (query_row(st, "recovery of six incidents")) {
		is_int(sqlite3_column_int(st, 0), 6, "six incidents");
		is_int(sqlite3_column_int(st, 1), 6, "each recovers at the first valid check's bucket");
		is_int(sqlite3_column_int(st, 2), 6, "each with its recovery frame");
	}
	sqlite3_finalize(st);
}

int main(void)
{
	char path[] = "/tmp/st_inc_XXXXXX", err[256];
	struct an_db *db;
	sqlite3 *h;
	sqlite3_stmt *st;
	long long t;
	int fd = mkstemp(path);

	test_names();
	if (fd >= 0)
		close(fd);
	db = an_db_create(path, AN_DB_BULK, err, sizeof(err));
	ok(db != NULL, "database created: %s", db ? "" : err);
	if (!db)
		return done_testing();
	an_db_maybe_commit(db, 1);
	h = an_db_handle(db);
	sqlite3_exec(h, "BEGIN;"
		"INSERT INTO signatures (id, hash, zone, owner, type_covered, algorithm, key_tag,"
		" labels, orig_ttl, inception, expiration, first_ts_ns, last_ts_ns, uses, valid)"
		" VALUES (1, x'00', 'example.', 'example.', 6, 13, 33834, 1, 30, 0, 0, 0, 0, 1, 0);"
		"INSERT INTO findings (kind, zone, key_tag, message_id, ts_ns)"
		" VALUES ('unpublished_key', 'example.', 33834, NULL, 100000000000);",
		NULL, NULL, NULL);
	sqlite3_prepare_v2(h, MSG_INSERT, -1, &msg_st, NULL);
	for (t = 10; t < 200; t += 5) {
		int bogus = t >= 100 && t <= 140;
		int nta = t >= 125;
		exchange(h, t * S, "www.example.", bogus, bogus && !nta ? 2 : 0, !bogus);
		exchange(h, t * S + S / 2, "www.plain.example.", bogus, bogus && !nta ? 2 : 0, 0);
	}
	sqlite3_finalize(msg_st);
	sqlite3_exec(h, "UPDATE messages SET frame = id; COMMIT;", NULL, NULL, NULL);
	is_int(an_incidents_build(db, NULL), ST_OK, "pass runs");
	sqlite3_prepare_v2(h, "SELECT count(*), min(zone), min(start_ns), min(end_ns), min(root_cause),"
			   " min(recovered_ns), min(names), min(clients) FROM incidents", -1, &st, NULL);
	if (query_row(st, "the incident")) {
		is_int(sqlite3_column_int(st, 0), 1, "one incident");
		is_str((const char *)sqlite3_column_text(st, 1), "example.", "its zone");
		is_int(sqlite3_column_int64(st, 2), 100 * S + S / 50, "starts at the first bogus answer");
		is_int(sqlite3_column_int64(st, 3), 140 * S + S / 2 + S / 50, "ends at the last one");
		is_str((const char *)sqlite3_column_text(st, 4), "key_tag_collision", "root cause");
		is_int(sqlite3_column_int64(st, 5), 145 * S, "recovered in the next valid bucket");
		is_int(sqlite3_column_int(st, 6), 2, "two names failed");
		is_int(sqlite3_column_int(st, 7), 1, "one client");
	}
	sqlite3_finalize(st);
	sqlite3_prepare_v2(h, "SELECT count(*), min(first_ts_ns) FROM nta_events"
			   " WHERE resolver = '192.0.2.53' AND zone = 'example.'", -1, &st, NULL);
	if (query_row(st, "negative trust anchor")) {
		is_int(sqlite3_column_int(st, 0), 1, "negative trust anchor found");
		is_int(sqlite3_column_int64(st, 1), 125 * S + S / 20, "at the first insecure answer");
	}
	sqlite3_finalize(st);
	sqlite3_prepare_v2(h, "SELECT (SELECT count(*) FROM endpoints WHERE addr = '192.0.2.53'"
			   " AND role = 'resolver'), (SELECT count(*) FROM resolver_links"
			   " WHERE resolver_addr = '192.0.2.53' AND upstream_addr = '192.0.2.1'),"
			   " (SELECT sum(servfail) FROM resolver_buckets),"
			   " (SELECT count(*) FROM incident_evidence WHERE claim = 'first_bogus')",
			   -1, &st, NULL);
	if (query_row(st, "roles and links")) {
		is_int(sqlite3_column_int(st, 0), 1, "resolver role");
		is_int(sqlite3_column_int(st, 1), 1, "resolver linked to its upstream side");
		is_int(sqlite3_column_int(st, 2), 10, "SERVFAILs bucketed");
		is_int(sqlite3_column_int(st, 3), 1, "first bogus frame kept");
	}
	sqlite3_finalize(st);
	test_tally_matches_sql(h);
	test_many_resolvers(db, h);
	test_many_incidents(db, h);
	an_db_close(db);
	unlink(path);
	return done_testing();
}
