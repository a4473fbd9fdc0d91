# tests/system/capture_list.sh -- sourced by tests that check a property
# of the database on every capture at hand: fills the array caps with
# "capture|anchor" entries (anchor empty when none): the lab captures with
# their root anchors, tests/captures/, the odd-messages capture
# (make_odd_messages.py, written into $tmp) and the shared corpus when it
# is there. Needs $tmp.
caps=()
for d in tests/lab/*/; do
	c=$(ls "$d"capture.pcap* 2>/dev/null | head -n 1)
	[[ -n "$c" ]] && caps+=("$c|$d/root-anchor.ds")
done
for c in tests/captures/*.pcap tests/captures/*.pcapng; do caps+=("$c|"); done
/usr/bin/python3 tests/system/make_odd_messages.py "$tmp/odd.pcap" && caps+=("$tmp/odd.pcap|")
if [[ -d ../shared/corpus ]]; then
	while IFS= read -r c; do caps+=("$c|"); done < <(find ../shared/corpus -path '*/_derived' -prune -o \
		-type f -size -20M \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -print | LC_ALL=C sort)
fi
