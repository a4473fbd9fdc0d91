#!/usr/bin/env bash
# Every message's bytes, read out of message_wire_blocks by a reader
# written apart from the C one (wire_blocks_check.py, from the format in
# docs/schema.md), must be as long as messages.size and agree with the
# row's header fields; the blocks must cover ids 1..N without a gap. On the
# lab captures, the test captures, the odd-messages capture and the
# shared corpus when it is there.
set -u
cd "$(dirname "$0")/../.."
: "${SIGTRAIL:=./sigtrail}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. tests/system/capture_list.sh
(( ${#caps[@]} >= 20 )) || { echo "FAIL: only ${#caps[@]} captures"; exit 1; }
fail=0 total=0
for entry in "${caps[@]}"; do
	c=${entry%%|*} anchor=${entry#*|}
	args=(); [[ -n "$anchor" ]] && args=(-a "$anchor")
	rm -f "$tmp/a.db"
	"$SIGTRAIL" analyze -q "${args[@]}" -o "$tmp/a.db" "$c" >/dev/null 2>&1
	if ! out=$(/usr/bin/python3 tests/system/wire_blocks_check.py "$tmp/a.db" 2>&1); then
		echo "FAIL $c: $out"; fail=1; continue
	fi
	n=${out##*ok: }; n=${n%% *}
	total=$((total + n))
	echo "ok $c: $n messages"
done
(( total > 10000 )) || { echo "FAIL: only $total messages checked"; fail=1; }
exit $fail
