#!/usr/bin/env bash
# The TUI on the de-keytag-collision lab (issue 6, docs/tui.md), driven
# through tmux at 80x24: each view shows what the database holds (numbers
# from sqlite3 on the same file), navigation and Enter/Esc work, q quits.
set -u
cd "$(dirname "$0")/../.."
. tests/tui/lib.sh
analyze de-keytag-collision
db=$tmp/de-keytag-collision.db

# Exit codes without a terminal: usage 2, unreadable database 5.
"${TUI[@]}" >/dev/null 2>&1; [[ $? == 2 ]] || bad "no DB: exit code is not 2"
"${TUI[@]}" "$tmp/missing.db" >/dev/null 2>&1; [[ $? == 5 ]] || bad "missing DB: exit code is not 5"
echo "not a database" >"$tmp/junk.db"
"${TUI[@]}" "$tmp/junk.db" >/dev/null 2>&1; [[ $? == 5 ]] || bad "junk DB: exit code is not 5"

start LANG=C.UTF-8 -- "$db"
# Overview: the incident, its root cause, counts.
zone=$(q "$db" "SELECT zone FROM incidents ORDER BY start_ns LIMIT 1")
cause=$(q "$db" "SELECT root_cause FROM incidents ORDER BY start_ns LIMIT 1")
reason=$(q "$db" "SELECT reason FROM incidents ORDER BY start_ns LIMIT 1")
ninc=$(q "$db" "SELECT count(*) FROM incidents")
nmsg=$(q "$db" "SELECT max(id) FROM messages")
names=$(q "$db" "SELECT names FROM incidents ORDER BY start_ns LIMIT 1")
wait_for "$nmsg messages +$ninc incident" || bad "overview: message/incident counts"
wait_for ">#1 +$zone +.*$cause/$reason" || bad "overview: first incident $zone $cause/$reason"
wait_for "$names names" || bad "overview: $names names"
wait_for "^bogus [0-9]+ " || bad "overview: bogus sparkline"
wait_for "^SERVFAIL %" || bad "overview: SERVFAIL sparkline"

# Enter: the timeline at the incident; move right and list the bucket.
keys Enter
wait_for "^bucket [0-9]+[smh] \(\+/- zoom" || bad "timeline: header"
wait_for "SERVFAIL/responses per resolver" || bad "timeline: resolver table"
keys l
keys Enter
wait_for "^messages [0-9:]{8}\.\.[0-9:]{8}  filter: t0=" || bad "timeline Enter: messages of the bucket"
t0=$(screen | sed -nE 's/.*filter: t0=([0-9]+) t1=([0-9]+).*/\1/p' | head -n 1)
first=$(q "$db" "SELECT frame FROM messages WHERE ts_ns >= $t0 ORDER BY id LIMIT 1")
[[ -n $t0 ]] && { wait_for "^ +$first [0-9:.]{12} " || bad "bucket list: first frame $first"; }

# Messages: the SERVFAIL filter, first and last rows against sqlite3.
keys Escape
keys / C-u "rcode=SERVFAIL" Enter
wait_for "filter: rcode=SERVFAIL" || bad "filter line"
f1=$(q "$db" "SELECT frame FROM messages WHERE rcode = 2 AND qr = 1 ORDER BY id LIMIT 1")
fl=$(q "$db" "SELECT frame FROM messages WHERE rcode = 2 AND qr = 1 ORDER BY id DESC LIMIT 1")
f2=$(q "$db" "SELECT frame FROM messages WHERE rcode = 2 AND qr = 1 ORDER BY id LIMIT 1 OFFSET 1")
wait_for "^ +$f1 .* R SERVFAIL " || bad "SERVFAIL list: first frame $f1"
keys End
wait_for "^ +$fl .* R SERVFAIL " || bad "End: last SERVFAIL frame $fl"
keys Home j Enter
wait_for "^frame $f2 \(capture 0\)" || bad "Enter on the 2nd row: frame $f2"
wait_for "status: SERVFAIL" || bad "detail: dig header"
wait_for ";; QUESTION SECTION:" || bad "detail: question section"
keys Escape
wait_for "filter: rcode=SERVFAIL" || bad "Esc back to the list"

# A bogus response: RRSIG lines carry verdict, reason, key and window.
qn=$(q "$db" "SELECT m.qname FROM messages m JOIN sig_checks c ON c.message_id = m.id
	WHERE c.verdict = 'bogus' ORDER BY m.id LIMIT 1")
bid=$(q "$db" "SELECT m.frame FROM response_verdicts v JOIN messages m ON m.id = v.message_id
	WHERE v.expected = 'bogus' AND m.qname = '$qn' ORDER BY m.id LIMIT 1")
breason=$(q "$db" "SELECT group_concat(DISTINCT c.reason) FROM sig_checks c JOIN messages m ON m.id = c.message_id
	WHERE m.frame = $bid AND c.verdict != 'valid'")
keys / C-u "verdict=bogus name=$qn" Enter
wait_for "^ +$bid .* b " || bad "bogus list: frame $bid first, marked b"
keys Enter
wait_for "^frame $bid " || bad "detail of frame $bid"
if [[ -n $breason ]]; then
	wait_for "    ; bogus: (${breason//,/|})" || bad "detail: RRSIG verdict $breason"
	wait_for "    ; key [^ ]+ [0-9]+ " || bad "detail: RRSIG key"
	wait_for "    ; validity [0-9-]+ [0-9:]+ - [0-9-]+ [0-9:]+, " || bad "detail: validity window"
fi
keys End
wait_for "a validator should conclude: bogus" || bad "detail: expected verdict (End)"
keys Escape

# Keys: the colliding tag, published and recovered.
tag=$(q "$db" "SELECT signature_tag FROM recovered_keys LIMIT 1")
nrec=$(q "$db" "SELECT count(*) FROM recovered_keys")
npub=$(q "$db" "SELECT count(*) FROM keys")
keys 4
wait_for "$npub keys published, $nrec recovered" || bad "keys: $npub published, $nrec recovered"
[[ $(screen | grep -cE " $tag +13 recovered .*UNPUBLISHED") == "$nrec" ]] || bad "keys: $nrec recovered rows for tag $tag"
wait_for " $tag +13 256 ZSK .*TAG SHARED" || bad "keys: published $tag marked shared"

# Help, then q closes help and q quits.
keys '?'
wait_for "PgUp PgDn" || bad "help: PgUp/PgDn"
wait_for "Home End" || bad "help: Home/End"
keys q
wait_for "keys published" || bad "q closes help"
keys q
for ((i = 0; i < 20; i++)); do tmux has-session -t "$sess" 2>/dev/null || break; sleep 0.1; done
tmux has-session -t "$sess" 2>/dev/null && bad "q did not quit"
exit $fail
