#!/usr/bin/env bash
# tests/system/t_ldns_verify_agree.sh -- an independent validator (ldns-verify-zone)
# agrees with sigtrail, RRset by RRset (docs/validation.md "Testing").
#
# For algorithms 8 (RSA/SHA-256), 13 (ECDSA P-256) and 15 (Ed25519): a small zone with
# a wildcard is signed by ldns-signzone with an explicit validity period; a copy gets
# two RRSIGs with flipped bytes and one RRSIG made by a key outside the DNSKEY RRset
# (tests/validator/ldns_agree.py corrupt). Each zone becomes a capture: one response
# per RRset with its RRSIGs, the DNSKEY response first, one batch inside the window
# and one after expiration. ldns-verify-zone -t runs on the zone at the same two times;
# per RRset, its verdict must match sigtrail's sig_checks.
set -u
root=$(git rev-parse --show-toplevel 2>/dev/null) || root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
: "${SIGTRAIL:=./sigtrail}"
PYTHON=${PYTHON:-/usr/bin/python3}
export TZ=UTC LC_ALL=C
for t in ldns-keygen ldns-signzone ldns-verify-zone sqlite3; do
	command -v $t >/dev/null || { echo "FAIL: $t missing (bash scripts/install-deps.sh)"; exit 1; }
done
[[ -x $SIGTRAIL ]] || { echo "FAIL: no sigtrail binary at $SIGTRAIL (run make)"; exit 1; }
SIGTRAIL=$(cd "$(dirname "$SIGTRAIL")" && pwd)/$(basename "$SIGTRAIL")
tool=$root/tests/validator/ldns_agree.py
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
INC=20240101000000 EXP=20240201000000
T_IN=20240115120000 T_OUT=20240201000001      # one second after expiration
t_in=$(date -u -d "2024-01-15 12:00:00" +%s); t_out=$(date -u -d "2024-02-01 00:00:01" +%s)
fail=0
for spec in "8 RSASHA256 -b 2048" "13 ECDSAP256SHA256" "15 ED25519"; do
	set -- $spec; alg=$1; shift; a=$1; shift
	z=alg$alg.test.
	d=$work/$alg; mkdir -p "$d"; cd "$d" || exit 2
	cat > zone <<ZONE
\$ORIGIN $z
\$TTL 300
@ IN SOA ns1 hostmaster 1 3600 600 86400 300
@ IN NS ns1
ns1 IN A 192.0.2.1
www IN A 192.0.2.2
www IN A 192.0.2.3
mail IN AAAA 2001:db8::25
*.wild IN A 192.0.2.99
txt IN TXT "hello" "world"
ZONE
	k=$(ldns-keygen -a "$a" "$@" -k "$z") || { echo "FAIL: ldns-keygen $a"; fail=1; continue; }
	ldns-signzone -i $INC -e $EXP -f good.zone zone "$k" || { echo "FAIL: ldns-signzone"; fail=1; continue; }
	"$PYTHON" "$tool" corrupt good.zone bad.zone || { fail=1; continue; }
	for v in good bad; do
		ldns-verify-zone -t $T_IN $v.zone > $v.in.txt 2>&1
		ldns-verify-zone -t $T_OUT $v.zone > $v.out.txt 2>&1
		"$PYTHON" "$tool" capture $v.zone $v.pcap "$t_in" "$t_out" || { fail=1; continue; }
		"$SIGTRAIL" analyze -q -o $v.db $v.pcap; rc=$?
		echo "algorithm $alg, $v zone (sigtrail exit $rc):"
		((rc >= 2)) && { echo "FAIL: sigtrail exit $rc"; fail=1; }
		"$PYTHON" "$tool" compare $v.db $v.zone $v.in.txt $v.out.txt "$t_in" "$t_out" || fail=1
	done
	# the corrupted zone must really be caught by ldns (else the test proves nothing)
	n=$(grep -c '^Error' bad.in.txt)
	((n >= 3)) || { echo "FAIL: ldns-verify-zone found $n errors in the corrupted zone (want >= 3)"; fail=1; }
	cd "$root" || exit 2
done
((fail)) && { echo "FAIL: sigtrail and ldns-verify-zone disagree"; exit 1; }
echo "PASS: sigtrail agrees with ldns-verify-zone"
