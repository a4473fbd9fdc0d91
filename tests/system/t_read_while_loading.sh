#!/usr/bin/env bash
# Readers of a database that `sigtrail analyze` is still loading (under
# its rollback journal, analyze/db.h): `sigtrail summary` and sqlite3
# read it over and over; the analysis must neither fail ("database is
# locked") nor lose rows, and the readers must get answers. A commit waits
# for the readers (AN_DB_BUSY_WAIT_MS).
set -u
cd "$(dirname "$0")/../.."
: "${SIGTRAIL:=./sigtrail}"
tmp=$(mktemp -d); pid=
trap '[[ -n $pid ]] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
/usr/bin/python3 bench/gen_capture.py --packets 300000 --duration 600 --seed 4 --out "$tmp/c.pcap" >/dev/null 2>&1 ||
	{ echo "FAIL: cannot generate a capture"; exit 1; }
db="$tmp/r.db"
"$SIGTRAIL" analyze -q -o "$db" "$tmp/c.pcap" >"$tmp/out" 2>&1 &
pid=$!
reads=0 answered=0
while kill -0 "$pid" 2>/dev/null; do
	if [[ -e "$db" ]]; then
		"$SIGTRAIL" summary "$db" >/dev/null 2>&1 && answered=$((answered + 1))
		sqlite3 -readonly -cmd ".timeout 5000" "$db" "SELECT count(*) FROM messages" >/dev/null 2>&1 && answered=$((answered + 1))
		reads=$((reads + 2))
	fi
done
wait "$pid"; rc=$?; pid=
fail=0
(( rc <= 1 )) || { echo "FAIL: analyze exited $rc while read: $(cat "$tmp/out")"; fail=1; }
(( reads >= 10 && answered + 4 >= reads )) || { echo "FAIL: $answered of $reads reads answered"; fail=1; }
"$SIGTRAIL" analyze -q -o "$tmp/clean.db" "$tmp/c.pcap" >/dev/null 2>&1
for sql in "SELECT value FROM meta WHERE key = 'status'" "SELECT count(*) FROM messages" \
	"SELECT count(*) FROM sig_checks" "SELECT count(*), sum(length(wires)) FROM message_wire_blocks" \
	"SELECT count(*) FROM incidents"; do
	a=$(sqlite3 "$db" "$sql") b=$(sqlite3 "$tmp/clean.db" "$sql")
	[[ "$a" == "$b" ]] || { echo "FAIL: '$sql' gives '$a' after reads, '$b' without"; fail=1; }
done
(( fail )) || echo "ok: $answered of $reads reads answered during the load; the database is whole"
exit $fail
