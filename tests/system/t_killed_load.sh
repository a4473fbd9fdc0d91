#!/usr/bin/env bash
# `sigtrail analyze` loads under a rollback journal (analyze/db.h, enum
# an_db_load). Killed mid-load, it leaves the last transaction in a hot
# journal: the readers (summary, report, tui) must still open the database,
# at its last commit, with meta.status 'running'; rerunning the analysis
# must replace it cleanly.
set -u
cd "$(dirname "$0")/../.."
: "${SIGTRAIL:=./sigtrail}"
tmp=$(mktemp -d); pid=
trap '[[ -n $pid ]] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
/usr/bin/python3 bench/gen_capture.py --packets 300000 --duration 600 --seed 3 --out "$tmp/big.pcap" >/dev/null 2>&1 ||
	{ echo "FAIL: cannot generate a capture"; exit 1; }
db="$tmp/k.db"
fail=0
# Starts an analysis into $db and kills it once rows are committed and a
# transaction is open (the journal not empty). Returns 1 if it never was.
kill_mid_load() {
	local attempt killed=0
	for attempt in 1 2 3; do
		rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
		"$SIGTRAIL" analyze -q -o "$db" "$tmp/big.pcap" >/dev/null 2>&1 &
		pid=$!
		for _ in $(seq 1 400); do
			if [[ -s "$db-journal" ]] && (( $(stat -c %s "$db" 2>/dev/null || echo 0) > 4000000 )); then
				kill -9 "$pid"; killed=1; break
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.01
		done
		wait "$pid" 2>/dev/null; pid=
		(( killed )) && return 0
	done
	return 1
}
kill_mid_load || { echo "FAIL: the analysis never was mid-load with an open transaction"; exit 1; }
[[ -s "$db-journal" ]] || { echo "FAIL: no hot journal left behind"; fail=1; }
if ! "$SIGTRAIL" summary "$db" >"$tmp/sum.txt" 2>"$tmp/err.txt"; then
	echo "FAIL: summary of a killed analysis failed: $(cat "$tmp/err.txt")"; fail=1
fi
n=$(awk '$1 == "messages" {print $2}' "$tmp/sum.txt")
[[ "$n" =~ ^[0-9]+$ ]] && (( n > 1000 )) || { echo "FAIL: summary shows '$n' messages"; cat "$tmp/sum.txt"; fail=1; }
[[ "$(sqlite3 "$db" "SELECT value FROM meta WHERE key = 'status'")" == running ]] ||
	{ echo "FAIL: status is not 'running'"; fail=1; }
[[ "$(sqlite3 "$db" 'PRAGMA quick_check')" == ok ]] || { echo "FAIL: quick_check after the rollback"; fail=1; }
"$SIGTRAIL" report "$db" -o "$tmp/r.html" >/dev/null 2>&1 || { echo "FAIL: report of a killed analysis"; fail=1; }
# A rerun over a database killed again, its hot journal still there, must
# start from nothing: SQLite must not play the old journal back into it.
kill_mid_load || { echo "FAIL: the second analysis never was mid-load"; exit 1; }
[[ -s "$db-journal" ]] || { echo "FAIL: no hot journal before the rerun"; fail=1; }
"$SIGTRAIL" analyze -q -o "$db" "$tmp/big.pcap" >/dev/null 2>&1
rc=$?
(( rc <= 1 )) || { echo "FAIL: rerun exited $rc"; fail=1; }
"$SIGTRAIL" analyze -q -o "$tmp/clean.db" "$tmp/big.pcap" >/dev/null 2>&1
for sql in "SELECT value FROM meta WHERE key = 'status'" "SELECT count(*) FROM messages" \
	"SELECT count(*) FROM sig_checks" "SELECT count(*), sum(length(wires)) FROM message_wire_blocks"; do
	a=$(sqlite3 "$db" "$sql") b=$(sqlite3 "$tmp/clean.db" "$sql")
	[[ "$a" == "$b" ]] || { echo "FAIL: rerun '$sql' gives '$a', a clean run '$b'"; fail=1; }
done
[[ "$(sqlite3 "$db" 'PRAGMA quick_check')" == ok ]] || { echo "FAIL: quick_check after the rerun"; fail=1; }
[[ -s "$db-journal" ]] && { echo "FAIL: rerun left a journal"; fail=1; }
(( fail )) || echo "ok: killed after $n messages were committed; readable, then replaced"
exit $fail
