#!/usr/bin/env bash
# t_report_chromium.sh -- the report of a real capture opened in headless
# Chromium (file:// URL): no console message at all (a blocked request or
# script would log a CSP violation), no network request made for the page
# (Chromium's net log holds only the browser's own background traffic),
# the charts and tables present, and numbers in the DOM equal to sqlite3
# queries on the same database. Uses the key-tag lab fixture when present
# (tests/lab/de-keytag-collision), else the zeek dnskey capture.
# SCREENSHOT=FILE keeps a 1280x2400 screenshot (docs/report-keytag.png is
# made with SCREENSHOT=docs/report-keytag.png). Skips without chromium.
set -u
cd "$(dirname "$0")/../.."
: "${SIGTRAIL:=./sigtrail}" "${BUILD:=build}"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[[ -n $CHROMIUM ]] || { echo "SKIP: chromium not installed (apt-get install -y chromium)"; exit 0; }
cap=tests/lab/de-keytag-collision/capture.pcapng
[[ -f $cap ]] || cap=/work/shared/corpus/zeek/testing/btest/Traces/dnssec/dnskey.pcap
[[ -f $cap ]] || { echo "SKIP: no capture with DNSSEC failures available"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
REPORT=("${SIGTRAIL:-./sigtrail}" report)
report() { if [[ ${REPORT[1]:-} == report ]]; then "${REPORT[@]}" "$1" -o "$2"; else "${REPORT[@]}" "$1" "$2"; fi; }
db=$tmp/r.db html=$tmp/report.html
"$SIGTRAIL" analyze -q -o "$db" "$cap"
(($? < 2)) || { echo "FAIL: analyze $cap"; exit 1; }
report "$db" "$html" || { echo "FAIL: report"; exit 1; }
echo "capture: $cap"
chrome() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d -p "$tmp")" "$@" "file://$html"
}
chrome --enable-logging=stderr --v=0 --log-net-log="$tmp/net.json" --dump-dom >"$tmp/dom.html" 2>"$tmp/err.txt" ||
	{ echo "FAIL: chromium exited $?"; tail -5 "$tmp/err.txt"; exit 1; }
fail=0
if grep -E 'CONSOLE|Content Security Policy|Uncaught' "$tmp/err.txt"; then echo "FAIL: console messages"; fail=1; fi
# every URL in the net log is file:// or the browser's own update/time/account traffic
urls=$(/usr/bin/python3 -c '
import json, re, sys
text = open(sys.argv[1], errors="replace").read()
for u in sorted(set(re.findall(r"\"url\":\"([^\"]+)\"", text))):
    host = re.sub(r"^[a-z]+://([^/:]+).*$", r"\1", u)
    if u.startswith("file:") or re.search(r"(^|\.)(google\.com|googleapis\.com|gstatic\.com|gvt1\.com)$", host):
        continue
    print(u)' "$tmp/net.json")
[[ -z $urls ]] || { echo "FAIL: network requests: $urls"; fail=1; }
/usr/bin/python3 tests/report/check_html.py "$tmp/dom.html" --dom >"$tmp/dom.json" || { echo "FAIL: DOM parse"; exit 1; }
q() { sqlite3 "$db" "$1"; }
dom() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$tmp/dom.json" "$1"; }
expect() { # what, dom value, sql value
	if [[ "$2" == "$3" ]]; then echo "ok: $1 = $2"; else echo "FAIL: $1: DOM $2, database $3"; fail=1; fi
}
res_sql="qr = 1 AND ra = 1 AND rd = 1"
checks=$(q "select count(*) from sig_checks")
resolvers=$(q "select count(distinct src_addr) from messages where $res_sql")
ede=$(q "select count(*) from ede e join messages r on r.id = e.message_id where r.$res_sql")
charts=$(( (checks > 0) + (resolvers > 0 ? 2 + (ede > 0) : 0) ))
expect "charts (svg)" "$(dom 'd["charts"]')" "$charts"
expect "scripts" "$(dom 'd["scripts"]')" 1
expect "key history rows" "$(dom 'd["tables"]["t-keys"]')" "$(q "select count(*) from (select zone, tag, algorithm from keys union select zone, key_tag, algorithm from signatures union select zone, signature_tag, algorithm from recovered_keys)")"
expect "recovered key rows" "$(dom 'd["tables"]["t-recovered"] if "t-recovered" in d["tables"] else 0')" "$(q "select min(count(*), 50) from recovered_keys")"
expect "per-server rows" "$(dom 'd["tables"]["t-servers"]')" "$(q "select min(count(*), 500) from (select 1 from sig_checks c join signatures s on s.id = c.signature_id group by s.zone, s.key_tag, s.algorithm, c.server)")"
expect "resolver rows" "$(dom 'd["tables"]["t-resolvers"]')" "$(q "select min(count(distinct src_addr), 50) from messages where $res_sql")"
expect "capture rows" "$(dom 'd["tables"]["t-captures"]')" "$(q "select count(*) from captures")"
expect "SERVFAIL names" "$(dom 'd["ids"]["n-servfail-names"]')" "$(q "select count(*) from (select 1 from messages where $res_sql and rcode = 2 group by lower(qname), qtype)")"
if (( $(q "select count(*) from sig_checks where verdict in ('bogus','indeterminate')") > 0 )); then
	expect "failing owner names" "$(dom 'd["ids"]["n-owners"]')" "$(q "select count(*) from (select 1 from sig_checks c join signatures s on s.id = c.signature_id where c.verdict in ('bogus','indeterminate') group by s.owner, s.type_covered)")"
	tag=$(dom 'd["ids"].get("h-tag", "")')
	if [[ -n $(dom 'd["ids"].get("h-unpublished", "")') ]]; then
		expect "unpublished keys with tag $tag" "$(dom 'd["ids"]["h-unpublished"]')" "$(q "select count(*) from recovered_keys where signature_tag = $tag")"
	fi
	expect "evidence rows >= findings" "$(( $(dom 'd["tables"]["t-evidence"]') >= $(q "select min(count(*), 50) from findings") ))" 1
fi
if ((resolvers > 0)); then
	expect "SERVFAIL answers" "$(dom 'd["ids"]["h-servfail"]')" "$(q "select count(*) from messages where $res_sql and rcode = 2")"
fi
if [[ -n ${SCREENSHOT:-} ]]; then
	chrome --screenshot="$SCREENSHOT" --window-size=1280,2400 >/dev/null 2>&1 && echo "screenshot: $SCREENSHOT"
fi
((fail)) && exit 1
echo "ok: report renders in Chromium without errors or requests"
