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
caps=()
for d in tests/lab/*/; do
	c=$(ls "$d"capture.pcap* 2>/dev/null | head -n 1)
	[[ -n "$c" ]] && caps+=("$c")
done
for c in tests/captures/*.pcap tests/captures/*.pcapng; do caps+=("$c"); done
/usr/bin/python3 tests/system/make_odd_messages.py "$tmp/odd.pcap" && caps+=("$tmp/odd.pcap")
if [[ -d ../shared/corpus ]]; then
	while IFS= read -r c; do caps+=("$c"); done < <(find ../shared/corpus -path '*/_derived' -prune -o \
		-type f -size -20M \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -print | LC_ALL=C sort)
fi
(( ${#caps[@]} >= 20 )) || { echo "FAIL: only ${#caps[@]} captures"; exit 1; }
fail=0 total=0
for c in "${caps[@]}"; do
	rm -f "$tmp/a.db"
	"$SIGTRAIL" analyze -q -o "$tmp/a.db" "$c" >/dev/null 2>&1
	if ! out=$(/usr/bin/python3 tests/system/wire_blocks_check.py "$tmp/a.db" 2>&1); then
		echo "FAIL $c: $out"; fail=1; continue
	fi
	n=${out##*ok: }; n=${n%% *}
	total=$((total + n))
	echo "ok $c: $n messages"
done
(( total > 10000 )) || { echo "FAIL: only $total messages checked"; fail=1; }
exit $fail
