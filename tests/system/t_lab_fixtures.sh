#!/usr/bin/env bash
# t_lab_fixtures.sh -- every incident-lab fixture (tests/lab/*/truth.json) still
# shows its incident: tshark reads the capture and tests/lab/check_fixture.py
# compares the resolvers' rcodes and EDE codes per phase with the truth file.
# A mutation check makes sure the comparison can fail: the key-tag truth
# checked against the healthy capture must be rejected.
set -u
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
command -v tshark >/dev/null || { echo "SKIP: no tshark"; exit 0; }
$PY -c 'import json' || { echo "SKIP: no /usr/bin/python3"; exit 0; }
fail=0; n=0
for t in tests/lab/*/truth.json; do
	[[ -f $t ]] || continue
	n=$((n + 1))
	d=$(dirname "$t")
	[[ -f $d/root-anchor.ds ]] || { echo "FAIL $d: no root-anchor.ds"; fail=1; }
	if out=$($PY tests/lab/check_fixture.py "$t" 2>&1); then
		echo "ok   $d"
	else
		echo "FAIL $d"; echo "$out" | sed 's/^/     /'; fail=1
	fi
done
((n >= 2)) || { echo "FAIL: expected lab fixtures in tests/lab/, found $n"; fail=1; }
# the bundled sample the README analyses first
[[ -s tests/lab/de-keytag-collision/capture.pcapng ]] || { echo "FAIL: no sample capture"; fail=1; }
# mutation: a capture that does not show the incident must fail its truth
if [[ -f tests/lab/healthy/capture.pcap && -f tests/lab/de-keytag-collision/truth.json ]]; then
	if $PY tests/lab/check_fixture.py tests/lab/de-keytag-collision/truth.json \
		tests/lab/healthy/capture.pcap >/dev/null 2>&1; then
		echo "FAIL mutation: healthy capture accepted for the key-tag truth"; fail=1
	else
		echo "ok   mutation (healthy capture rejected by the key-tag truth)"
	fi
fi
exit $fail
