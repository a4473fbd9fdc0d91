#!/usr/bin/env bash
# THREATS.md rows with a named case each:
#   A4  frames cut by snaplen: decoded as far as they go, stored as
#       "truncated by snaplen", never as malformed DNS; as many messages as
#       tshark sees DNS frames in the cut file.
#   A8  a clock going backwards inside a file: kept in file order, one
#       "time_backwards" anomaly at the frame where it steps back.
#   B3  IPv4 IHL below 5, total length below the header, options past it.
#   B4  IPv6 extension chains: more than 16 headers, a chain past the frame.
set -u
S=${SIGTRAIL:-./sigtrail}
CORPUS=$(cd "$(dirname "$0")/../.." && pwd)/../shared/corpus
SRC=$CORPUS/dnscap/src/test/dns.pcap
[[ -f $SRC ]] || SRC=tests/captures/dns_udp.pcap
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "not ok: $1"; fail=1; fi; }

editcap -s 60 "$SRC" "$T/snap.pcap"
"$S" analyze -q -o "$T/snap.db" "$T/snap.pcap"; st=$?
q() { sqlite3 "$1" "$2"; }
want=$(tshark -r "$T/snap.pcap" -Y dns 2>/dev/null | wc -l)
check "A4 snaplen 60: exit 0 ($st)" '[[ $st == 0 ]]'
check "A4 every message stored: $(q "$T/snap.db" 'select count(*) from messages') = tshark $want" \
	'[[ $(q "$T/snap.db" "select count(*) from messages") == "$want" ]]'
check "A4 cut messages say 'truncated by snaplen'" \
	'[[ $(q "$T/snap.db" "select count(*) from messages where cap_flags & 4 and malformed is not \"truncated by snaplen\"") == 0 ]]'
check "A4 no dns_malformed anomaly for them" \
	'[[ $(q "$T/snap.db" "select count(*) from anomalies where kind = \"dns_malformed\"") == 0 ]]'

# A8: frames 10-20 again (all of them in a shorter capture: the fallback
# without ../shared has two), 5 s earlier, appended after the last frame.
n=$(capinfos -c -M "$SRC" | awk '/Number of packets/ {print $NF}')
if (( n >= 20 )); then range=10-20; else range=1-$n; fi
editcap -r -t -5 "$SRC" "$T/part.pcap" "$range"
mergecap -a -w "$T/back.pcap" "$SRC" "$T/part.pcap"
"$S" analyze -q -o "$T/back.db" "$T/back.pcap"; st=$?
check "A8 analysed ($st)" '[[ $st == 0 ]]'
check "A8 time_backwards at frame $((n + 1))" \
	'[[ $(q "$T/back.db" "select count(*) from anomalies where kind = \"time_backwards\" and frame = $((n + 1))") == 1 ]]'
check "A8 file order kept: frame $((n + 1)) stored after frame $n" \
	'[[ $(q "$T/back.db" "select min(frame) from messages where id > (select max(id) from messages where frame <= $n)") -gt $n ]]'

"$S" analyze -q -o "$T/edge.db" tests/captures/edge-ip.pcap; st=$?
check "B3/B4 analysed ($st)" '[[ $st == 0 ]]'
for want in "1 ipv4_bad_ihl" "2 ipv4_bad_total_length" "3 ipv4_bad_total_length" "4 ipv6_ext_limit" "5 ipv6_ext_truncated"; do
	fr=${want%% *} kind=${want#* }
	check "B3/B4 frame $fr: $kind" '[[ $(q "$T/edge.db" "select kind from anomalies where frame = $fr") == "$kind" ]]'
done
check "B3/B4 the good query after them is stored" '[[ $(q "$T/edge.db" "select frame from messages") == 6 ]]'
exit $fail
