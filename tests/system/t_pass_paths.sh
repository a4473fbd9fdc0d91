#!/usr/bin/env bash
# The incident pass takes endpoint roles (analyze/endpoint_tally.c) and zone
# apexes (an_zonemap_learn) counted while the capture streamed by, and joins
# upstream answers to resolver answers in one pass (analyze/answer_join.c);
# with SIGTRAIL_PASS_FROM_SQL=1 it reads them back from the stored messages
# and joins in SQL, as it did before. Both must give the same tables on
# every lab capture and on a capture of the benchmark's generator.
set -u
cd "$(dirname "$0")/../.."
: "${SIGTRAIL:=./sigtrail}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tables="zones endpoints resolver_links resolver_buckets sig_buckets nta_events resolver_claims
	incidents incident_evidence incident_names resolver_answers"
dump() {
	# sorted: resolver_answers' merge join (analyze/answer_join.c) writes
	# its rows in time order, the SQL form in upstream message order
	for t in $tables; do echo "$t $(sqlite3 "$1" "SELECT * FROM $t" | sort | md5sum)"; done
	echo "rows $(sqlite3 "$1" "SELECT (SELECT count(*) FROM zones) + (SELECT count(*) FROM endpoints)")"
}
fail=0
caps=()
for d in tests/lab/*/; do
	c=$(ls "$d"capture.pcap* 2>/dev/null | head -n 1)
	[[ -n "$c" ]] && caps+=("$c|$d/root-anchor.ds")
done
/usr/bin/python3 bench/gen_capture.py --packets 20000 --duration 120 --seed 7 --out "$tmp/bench.pcap" >/dev/null 2>&1 &&
	caps+=("$tmp/bench.pcap|")
# The same lab capture with its second half first (time goes back once):
# the merge join must see it and leave resolver_answers to the SQL form.
k=tests/lab/de-keytag-collision/capture.pcapng
n=$(capinfos -c -M "$k" 2>/dev/null | awk '/Number of packets/ {print $NF}')
if [[ -n "$n" ]] && editcap -r "$k" "$tmp/late.pcapng" "$((n / 2 + 1))-$n" 2>/dev/null &&
	editcap -r "$k" "$tmp/early.pcapng" "1-$((n / 2))" 2>/dev/null &&
	mergecap -a -w "$tmp/swapped.pcapng" "$tmp/late.pcapng" "$tmp/early.pcapng" 2>/dev/null; then
	caps+=("$tmp/swapped.pcapng|tests/lab/de-keytag-collision/root-anchor.ds")
fi
(( ${#caps[@]} >= 10 )) || { echo "FAIL: only ${#caps[@]} captures"; exit 1; }
for entry in "${caps[@]}"; do
	cap=${entry%%|*} anchor=${entry#*|}
	args=(); [[ -n "$anchor" ]] && args=(-a "$anchor")
	"$SIGTRAIL" analyze "${args[@]}" -o "$tmp/stream.db" "$cap" >/dev/null 2>&1
	SIGTRAIL_PASS_FROM_SQL=1 "$SIGTRAIL" analyze "${args[@]}" -o "$tmp/sql.db" "$cap" >/dev/null 2>&1
	dump "$tmp/stream.db" >"$tmp/a"; dump "$tmp/sql.db" >"$tmp/b"
	if ! grep -q "^rows [1-9]" "$tmp/a"; then
		echo "FAIL $cap: no zones or endpoints at all"; fail=1
	elif ! diff "$tmp/b" "$tmp/a" >"$tmp/d"; then
		echo "FAIL $cap: streaming and SQL passes differ:"; cat "$tmp/d"; fail=1
	else
		echo "ok $cap"
	fi
done
exit $fail
