#!/usr/bin/env bash
# t_report_hostile.sh -- THREATS.md H3/G12 for the HTML report: the
# hostile-names capture (tests/report/make_hostile_names.py: every byte
# 0x00-0xFF in a label, <script>, quotes, ampersands, entities, bidi,
# invalid UTF-8, terminal escapes, EDE texts with controls, 60 KB of text)
# is analysed, reported, and the page parsed with Python's html.parser
# (tests/report/check_html.py): the only <script> is ours (one, hash equal
# to the CSP's and to a benign report's), no "on*" attribute, only the
# template's tags and attributes, no byte outside printable ASCII, and the
# hostile strings visible as escaped text. Also: a foreign database is
# refused, and a failed run leaves no file behind.
set -u
cd "$(dirname "$0")/../.."
: "${SIGTRAIL:=./sigtrail}" "${BUILD:=build}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
REPORT=("${SIGTRAIL:-./sigtrail}" report)
report() { if [[ ${REPORT[1]:-} == report ]]; then "${REPORT[@]}" "$1" -o "$2"; else "${REPORT[@]}" "$1" "$2"; fi; }
fail=0
"$SIGTRAIL" analyze -q -o "$tmp/h.db" tests/report/hostile-names.pcap
(($? < 2)) || { echo "FAIL: analyze of the hostile capture"; exit 1; }
report "$tmp/h.db" "$tmp/h.html" || { echo "FAIL: report of the hostile capture"; exit 1; }
"$SIGTRAIL" analyze -q -o "$tmp/b.db" tests/captures/dns_udp.pcap
report "$tmp/b.db" "$tmp/b.html" || { echo "FAIL: report of a benign capture"; exit 1; }
/usr/bin/python3 tests/report/check_html.py "$tmp/h.html" --hostile --same-script "$tmp/b.html" || fail=1
/usr/bin/python3 tests/report/check_html.py "$tmp/b.html" || fail=1
# the rows are there: every hostile name was answered SERVFAIL
n=$(sqlite3 "$tmp/h.db" "select count(distinct qname) from messages where qr=1 and rcode=2")
((n >= 275)) || { echo "FAIL: only $n hostile names in the database"; fail=1; }
# a database that is not sigtrail's is refused, and no file is left behind
printf 'not a database' >"$tmp/bad.db"
if report "$tmp/bad.db" "$tmp/bad.html" 2>/dev/null; then echo "FAIL: report of a non-database succeeded"; fail=1; fi
[[ ! -e $tmp/bad.html ]] || { echo "FAIL: a failed report left a file"; fail=1; }
ls "$tmp" | grep -q '\.tmp' && { echo "FAIL: temporary file left"; fail=1; }
# an unwritable output is an error, not a crash
if report "$tmp/h.db" "$tmp/no/such/dir/r.html" 2>/dev/null; then echo "FAIL: wrote into a missing dir"; fail=1; fi
# in a browser: no script runs but ours, nothing is blocked (a blocked
# injection would log a CSP violation), nothing is fetched
CHROMIUM=$(command -v chromium || true)
if [[ -n $CHROMIUM ]]; then
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d -p "$tmp")" --enable-logging=stderr --v=0 --dump-dom \
		"file://$tmp/h.html" >"$tmp/dom.html" 2>"$tmp/err.txt"
	if grep -E 'CONSOLE|Content Security Policy|Uncaught' "$tmp/err.txt"; then
		echo "FAIL: console messages for the hostile report"; fail=1
	fi
	n=$(/usr/bin/python3 tests/report/check_html.py "$tmp/dom.html" --dom | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["scripts"])')
	[[ $n == 1 ]] || { echo "FAIL: $n scripts in the browser's DOM"; fail=1; }
	echo "ok: Chromium: no console message, one script in the DOM"
else
	echo "SKIP (part): chromium not installed, browser check not run"
fi
((fail)) && exit 1
echo "ok: hostile names reported harmlessly"
