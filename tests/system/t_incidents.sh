#!/usr/bin/env bash
# Incidents against the lab's truth files (docs/incidents.md, docs/lab.md).
# Every scenario is analysed by $SIGTRAIL, which runs the incident pass.
set -u
cd "$(dirname "$0")/../.."
: "${SIGTRAIL:=./sigtrail}" "${BUILD:=build}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
for s in healthy de-keytag-collision de-keytag-collision-1srv ds-mismatch expired-signatures \
	 missing-rrsigs serve-stale negative-trust-anchor; do
	d=tests/lab/$s
	cap=$(ls "$d"/capture.pcap* 2>/dev/null | head -n 1)
	[[ -n "$cap" ]] || { echo "skip $s: no capture"; continue; }
	db=$tmp/$s.db
	"$SIGTRAIL" analyze -a "$d/root-anchor.ds" -o "$db" "$cap" >/dev/null 2>"$tmp/err"
	[[ -s "$db" ]] || { echo "FAIL $s: analyze wrote nothing"; cat "$tmp/err"; fail=1; continue; }
	[[ $(sqlite3 "$db" "SELECT count(*) FROM endpoints") != 0 ]] ||
		{ echo "FAIL $s: the incident pass did not run (no endpoints)"; fail=1; continue; }
	/usr/bin/python3 tests/system/incidents_check.py "$d/truth.json" "$db" || fail=1
done
exit $fail
