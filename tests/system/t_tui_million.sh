#!/usr/bin/env bash
# The TUI on a database of millions of messages (issue 6: "instant response
# ... queries that use indexes, paging, no full reloads"). The lab's key-tag
# database is grown to 2 million messages with SQL (copies of its rows at
# later times), its indexes rebuilt, and each screen must come within 1 s:
# opening, the message list, End, a SERVFAIL filter, a name filter, a name
# seen once, the detail of the last message.
set -u
cd "$(dirname "$0")/../.."
. tests/tui/lib.sh
analyze de-keytag-collision
db=$tmp/big.db
cp "$tmp/de-keytag-collision.db" "$db"
n0=$(q "$db" "SELECT count(*) FROM messages")
# 2017 rows x 1000 copies, each copy 1000 s later, frames renumbered.
q "$db" "PRAGMA journal_mode=WAL;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 1000)
INSERT INTO messages (capture_id, frame, first_frame, ts_ns, transport, src_addr, src_port, dst_addr,
	dst_port, vlan, cap_flags, size, dns_id, qr, opcode, aa, tc, rd, ra, z, ad, cd, rcode, qdcount,
	ancount, nscount, arcount, qname, qtype, qclass, edns, edns_udp_size, edns_version, edns_do,
	edns_ext_rcode, edns_z, nsid, malformed, malformed_off, query_id, latency_ns)
SELECT capture_id, frame + k.i * 100000, first_frame + k.i * 100000, ts_ns + k.i * 1000000000000,
	transport, src_addr, src_port, dst_addr, dst_port, vlan, cap_flags, size, dns_id, qr, opcode, aa,
	tc, rd, ra, z, ad, cd, rcode, qdcount, ancount, nscount, arcount, qname, qtype, qclass, edns,
	edns_udp_size, edns_version, edns_do, edns_ext_rcode, edns_z, nsid, malformed, malformed_off,
	NULL, latency_ns
FROM messages m, k WHERE m.id <= $n0;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 1000)
INSERT INTO message_wire_blocks SELECT w.first_id + k.i * $n0, w.wires FROM message_wire_blocks w, k;
UPDATE messages SET qname = 'needle.example.' WHERE id = 5;
REINDEX; ANALYZE;"
total=$(q "$db" "SELECT count(*) FROM messages")
((total > 2000000)) || bad "only $total messages"
last=$(q "$db" "SELECT frame FROM messages ORDER BY id DESC LIMIT 1")
lastsf=$(q "$db" "SELECT frame FROM messages WHERE rcode = 2 AND qr = 1 ORDER BY id DESC LIMIT 1")

start LANG=C.UTF-8 -- "$db"
wait_for "$total messages" 1 || bad "overview not within 1 s"
keys 3
wait_for "frame +time" 1 || bad "message list not within 1 s"
keys End
wait_for "^ *$last " 1 || bad "End (frame $last) not within 1 s"
keys / C-u "rcode=2" Enter End
wait_for "^ *$lastsf .*SERVFAIL" 1 || bad "SERVFAIL filter + End (frame $lastsf) not within 1 s"
keys / C-u "name=www.nic.de." Enter
wait_for "www\.nic\.de\." 1 || bad "name filter not within 1 s"
# a name seen once, near the start of 2 million rows
keys / C-u "name=needle.example." Enter
wait_for "needle\.example\." 1 || bad "rare name filter not within 1 s"
keys Escape End Enter
wait_for "frame $last" 1 || bad "detail of frame $last not within 1 s"
echo "TUI on $total messages: every screen within 1 s"
exit $fail
