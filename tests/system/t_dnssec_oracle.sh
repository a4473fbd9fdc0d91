#!/usr/bin/env bash
# tests/system/t_dnssec_oracle.sh -- sigtrail's per-RRSIG verdicts against an
# independent DNSSEC oracle (docs/validation.md "Testing").
#
# The oracle is corpus/_derived/DNSSEC-ORACLE.txt (dnspython + python-cryptography,
# spot-checked with ldns-verify-zone; its header gives the method). For each capture
# it lists, tests/validator/oracle_compare.py runs `sigtrail analyze` (with the other
# corpus capture that holds the key, when the oracle took the key from another file)
# and compares every RRSIG by (frame, owner, type covered, key tag):
#   SECURE <-> valid, BOGUS <-> unpublished_key / expired / not_yet_valid,
#   NO-DNSKEY <-> key_not_seen (or key_missing when the zone's other keys are there),
#   NO-COVERED-RRSET <-> no check, PARSE-ERROR <-> messages.malformed.
# Differences must be documented case by case in tests/validator/ORACLE-EXCEPTIONS.
# A second step checks that the documented "key from a file weeks later" cases do
# verify once the key file is moved in time to just before the answers (editcap -t).
#
# Environment: SIGTRAIL (default ./sigtrail), ORACLE_CORPUS (default
# <repo>/../shared/corpus), ORACLE_ONLY (substring of capture paths),
# ORACLE_VERBOSE=1 (print documented differences too), PYTHON (/usr/bin/python3).
set -u
root=$(git rev-parse --show-toplevel 2>/dev/null) || root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
: "${SIGTRAIL:=./sigtrail}"
PYTHON=${PYTHON:-/usr/bin/python3}
export TZ=UTC LC_ALL=C
corpus=${ORACLE_CORPUS:-$root/../shared/corpus}
oracle=$corpus/_derived/DNSSEC-ORACLE.txt
if [[ ! -f $oracle ]]; then
	echo "SKIP: no DNSSEC oracle at $oracle"; exit 0
fi
for t in tshark editcap; do
	command -v $t >/dev/null || { echo "FAIL: $t is not installed (bash scripts/install-deps.sh)"; exit 1; }
done
"$PYTHON" -c 'import dns.dnssec' 2>/dev/null || { echo "FAIL: $PYTHON lacks dnspython"; exit 1; }
[[ -x $SIGTRAIL ]] || { echo "FAIL: no sigtrail binary at $SIGTRAIL (run make)"; exit 1; }

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
"$PYTHON" tests/validator/oracle_compare.py "$corpus" "$SIGTRAIL" \
	tests/validator/ORACLE-EXCEPTIONS "$work" ${ORACLE_ONLY:+"$ORACLE_ONLY"} || fail=1

# The key-in-another-file cases: with the DNSKEY response 1 s before the first answer,
# every RRSIG the oracle calls SECURE must be valid.
if [[ -z ${ORACLE_ONLY:-} || dnssec == *${ORACLE_ONLY}* || ${ORACLE_ONLY} == *dnssec* ]]; then
	T=$corpus/zeek/testing/btest/Traces/dnssec
	for c in rrsig nsec; do
		first() { capinfos -a -S -T -r "$1" | awk -F'\t' 'NR==1{print int($2)}'; }
		shift_s=$(( $(first "$T/$c.pcap") - 1 - $(first "$T/dnskey.pcap") ))
		editcap -t "$shift_s" "$T/dnskey.pcap" "$work/dnskey-near-$c.pcap" >/dev/null
		"$SIGTRAIL" analyze -q -o "$work/near-$c.db" "$T/$c.pcap" "$work/dnskey-near-$c.pcap"
		rc=$?
		want=$(grep -c "key frame 2 from dnskey.pcap" <(sed -n "\|^## .*/dnssec/$c.pcap|,/^## /p" "$oracle"))
		got=$(sqlite3 "$work/near-$c.db" "SELECT count(*) FROM sig_checks c JOIN messages m ON m.id=c.message_id
			WHERE m.capture_id=0 AND c.reason='valid'")
		other=$(sqlite3 "$work/near-$c.db" "SELECT count(*) FROM sig_checks c JOIN messages m ON m.id=c.message_id
			WHERE m.capture_id=0 AND c.reason<>'valid'")
		if [[ $got == "$want" && $other == 0 && $rc -lt 2 ]]; then
			echo "ok   $c.pcap + dnskey.pcap moved ${shift_s}s: $got/$want RRSIGs valid"
		else
			echo "FAIL $c.pcap + dnskey.pcap moved ${shift_s}s: valid $got (want $want), other $other, exit $rc"
			fail=1
		fi
	done
fi
((fail)) && { echo "FAIL: sigtrail disagrees with the DNSSEC oracle"; exit 1; }
echo "PASS: sigtrail agrees with the DNSSEC oracle (differences documented)"
