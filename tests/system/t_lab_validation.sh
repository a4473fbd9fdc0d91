#!/usr/bin/env bash
# Every lab fixture analysed with its own trust anchor: sigtrail's verdicts
# must match what the lab's truth file records (tests/validator/check_lab_truth.py):
# the unpublished keys recovered, the bad servers named, the DS mismatch,
# nothing bogus in healthy captures.
set -u
S=${SIGTRAIL:-./sigtrail}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
for dir in tests/lab/*/; do
	truth=$dir/truth.json
	cap=$(ls "$dir"capture.pcap* 2>/dev/null | head -1)
	[[ -f $truth && -n $cap ]] || continue
	name=$(basename "$dir")
	"$S" analyze -q -a "$dir/root-anchor.ds" -o "$T/$name.db" "$cap"
	code=$?
	echo "== $name (exit $code)"
	/usr/bin/python3 tests/validator/check_lab_truth.py "$truth" "$T/$name.db" "$code" || fail=1
done
exit $fail
