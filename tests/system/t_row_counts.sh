#!/usr/bin/env bash
# The closing summary takes its counts of messages, queries, responses,
# rcodes and signature checks from the rows_* stats that db.c counted as it
# wrote the rows (analyze/row_counts.h). Every one of them must equal what
# SQL counts in the rows themselves, and `sigtrail summary` must print the
# same with the stats, without them (deleted), and with
# SIGTRAIL_SUMMARY_SCAN=1, on the lab captures, the test captures (TCP,
# fragments, hostile IP) and the shared corpus when it is there.
set -u
cd "$(dirname "$0")/../.."
: "${SIGTRAIL:=./sigtrail}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. tests/system/capture_list.sh
(( ${#caps[@]} >= 20 )) || { echo "FAIL: only ${#caps[@]} captures"; exit 1; }
# stat key | the SQL that counts the same rows
checks="rows_messages|SELECT count(*) FROM messages
rows_queries|SELECT count(*) FROM messages WHERE qr = 0
rows_responses|SELECT count(*) FROM messages WHERE qr = 1
rows_malformed|SELECT count(*) FROM messages WHERE malformed IS NOT NULL
rows_udp|SELECT count(*) FROM messages WHERE transport = 'udp'
rows_tcp|SELECT count(*) FROM messages WHERE transport = 'tcp'
rows_reassembled|SELECT count(*) FROM messages WHERE cap_flags & 1
rows_ts_first|SELECT coalesce(min(ts_ns), 0) FROM messages
rows_ts_last|SELECT coalesce(max(ts_ns), 0) FROM messages
rows_checks|SELECT count(*) FROM sig_checks
rows_checks_valid|SELECT count(*) FROM sig_checks WHERE verdict = 'valid'
rows_checks_bogus|SELECT count(*) FROM sig_checks WHERE verdict = 'bogus'
rows_checks_indeterminate|SELECT count(*) FROM sig_checks WHERE verdict = 'indeterminate'
rows_checks_unsupported|SELECT count(*) FROM sig_checks WHERE verdict = 'unsupported'"
fail=0 checked=0 nonzero=0
for entry in "${caps[@]}"; do
	cap=${entry%%|*} anchor=${entry#*|}
	args=(); [[ -n "$anchor" ]] && args=(-a "$anchor")
	db="$tmp/a.db"
	rm -f "$db"
	"$SIGTRAIL" analyze -q "${args[@]}" -o "$db" "$cap" >/dev/null 2>&1
	if [[ "$(sqlite3 "$db" "SELECT value FROM meta WHERE key = 'status'" 2>/dev/null)" != complete ]]; then
		echo "FAIL $cap: analysis did not complete"; fail=1; continue
	fi
	bad=0
	while IFS='|' read -r key sql; do
		got=$(sqlite3 "$db" "SELECT value FROM stats WHERE key = '$key'")
		want=$(sqlite3 "$db" "$sql")
		[[ "$got" == "$want" ]] || { echo "FAIL $cap: $key is '$got', the rows say '$want'"; bad=1; }
		(( want > 0 )) && nonzero=$((nonzero + 1))
		checked=$((checked + 1))
	done <<<"$checks"
	# rcodes: every rcode of a response has its stat, and no other stat is there
	got=$(sqlite3 "$db" "SELECT substr(key, 12), value FROM stats WHERE key GLOB 'rows_rcode_*'
		ORDER BY CAST(substr(key, 12) AS INTEGER)")
	want=$(sqlite3 "$db" "SELECT rcode, count(*) FROM messages WHERE qr = 1 GROUP BY rcode ORDER BY rcode")
	[[ "$got" == "$want" ]] || { echo "FAIL $cap: rcode stats '$got', the rows say '$want'"; bad=1; }
	"$SIGTRAIL" summary "$db" >"$tmp/stats.txt" 2>&1
	SIGTRAIL_SUMMARY_SCAN=1 "$SIGTRAIL" summary "$db" >"$tmp/scan.txt" 2>&1
	sqlite3 "$db" "DELETE FROM stats WHERE key GLOB 'rows_*'"
	"$SIGTRAIL" summary "$db" >"$tmp/none.txt" 2>&1
	if ! diff "$tmp/scan.txt" "$tmp/stats.txt" >"$tmp/d" || ! diff "$tmp/scan.txt" "$tmp/none.txt" >>"$tmp/d"; then
		echo "FAIL $cap: summaries differ:"; cat "$tmp/d"; bad=1
	fi
	(( bad )) && fail=1 || echo "ok $cap"
done
# The counts must have been worth checking: most of them non-zero somewhere.
(( nonzero * 3 > checked )) || { echo "FAIL: only $nonzero of $checked counts were non-zero"; fail=1; }
exit $fail
