#!/usr/bin/env bash
# `tui --follow` (issue 6, docs/tui.md): rows another connection commits to
# the database (WAL) appear within 3 s, the cursor stays where it was, and
# without --follow the screen does not change.
set -u
cd "$(dirname "$0")/../.."
. tests/tui/lib.sh
analyze de-keytag-collision
db=$tmp/follow.db
cp "$tmp/de-keytag-collision.db" "$db"
[[ $(q "$db" "PRAGMA journal_mode") == wal ]] || bad "the analysis database is not in WAL mode"
n0=$(q "$db" "SELECT count(*) FROM incidents")
nmsg=$(q "$db" "SELECT max(id) FROM messages")
start LANG=C.UTF-8 -- "$db" --follow
wait_for "$nmsg messages +$n0 incident" || bad "start: $n0 incidents"
keys 3 End
last=$(q "$db" "SELECT frame FROM messages ORDER BY id DESC LIMIT 1")
wait_for "^ +$last " || bad "End: last frame $last"

# A new incident and a new message, committed by sqlite3 while we watch.
q "$db" "INSERT INTO incidents (zone, start_ns, end_ns, root_cause, reason, names, clients, stale_answers, summary)
	SELECT 'followed.example.', max(ts_ns) - 1000000000, max(ts_ns), 'expired_signatures', 'sig_expired',
	7, 1, 0, 'test' FROM messages;
	INSERT INTO messages (capture_id, frame, first_frame, ts_ns, transport, src_addr, src_port, dst_addr,
	dst_port, cap_flags, size, qr, rcode, qname, qtype, edns)
	SELECT 0, 999999, 999999, max(ts_ns) + 1, 'udp', '192.0.2.99', 53, '192.0.2.1', 5353, 0, 40, 1, 2,
	'appended.followed.example.', 1, 0 FROM messages;"
wait_for "^ *999999 .*192\.0\.2\.99 .*SERVFAIL.*appended\.followed" 3 || bad "messages: appended row not shown within 3 s"
keys 1
wait_for "$((nmsg + 1)) messages +$((n0 + 1)) incidents" 3 || bad "overview: counts not updated"
wait_for "followed\.example\. .*expired_signatures/sig_expired" || bad "overview: new incident not listed"

# Without --follow nothing is re-read.
db=$tmp/nofollow.db
cp "$tmp/de-keytag-collision.db" "$db"
start LANG=C.UTF-8 -- "$db"
wait_for "$nmsg messages +$n0 incident" || bad "no follow: start"
q "$db" "INSERT INTO incidents (zone, start_ns, end_ns, root_cause, names, clients, stale_answers, summary)
	VALUES ('quiet.example.', 1, 2, 'unknown', 0, 0, 0, 'x')"
sleep 2
screen | grep -q "quiet.example" && bad "no follow: the screen changed by itself"
exit $fail
