#!/usr/bin/env bash
# tests/system/t_validator_hostile.sh -- the validator under hostile input (THREATS.md
# F1-F4 KeyTrap, F8 RSA key shape, F9 ECDSA/EdDSA key shape, F11 RRSIG labels/signer,
# G1/G3 time edges). Captures are committed under tests/validator/hostile/ (made by
# tests/validator/make_hostile.py, deterministic); expectations in its EXPECT file.
#   (a) keytrap_tcp.pcap: 300 keys with one tag x 400 RRSIGs in one 60 KiB TCP message:
#       < 2 s, val_crypto_ops <= 32, a work_limit finding, exit 0 or 1.
#   (b) keytrap_repeat1.pcap repeated 1000x: crypto ops bounded by the distinct
#       (RRSIG, key) pairs within the caps (64 here), not by the repeats; memo hits grow.
#   (c)(d)(e) keyshape.pcap: reasons per EXPECT, zero crypto operations in the file.
#   (f) times.pcapng: reasons per EXPECT.
#   keycap.pcap: a valid signature whose key is past the 4-candidates cap must not be
#       called unpublished_key (expected: work_limit).
# With valgrind installed, keyshape.pcap also runs under memcheck (uninitialised reads).
# Environment: SIGTRAIL (default ./sigtrail), PYTHON (default /usr/bin/python3),
# HOSTILE_REGEN=1 (regenerate the captures into a scratch dir and use those).
set -u
root=$(git rev-parse --show-toplevel 2>/dev/null) || root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
: "${SIGTRAIL:=./sigtrail}"
PYTHON=${PYTHON:-/usr/bin/python3}
export TZ=UTC LC_ALL=C
[[ -x $SIGTRAIL ]] || { echo "FAIL: no sigtrail binary at $SIGTRAIL (run make)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 missing"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
H=tests/validator/hostile
if [[ -n ${HOSTILE_REGEN:-} ]]; then
	"$PYTHON" tests/validator/make_hostile.py "$work/gen" || exit 1
	H=$work/gen
fi
fail=0
bad() { echo "FAIL $*"; fail=1; }
ok() { echo "ok   $*"; }
stat() { sqlite3 "$1" "SELECT coalesce((SELECT value FROM stats WHERE key='$2'), 0)"; }
run() { # db capture... ; sets rc and ms
	local t0 t1
	t0=$(date +%s%N)
	"$SIGTRAIL" analyze -q -o "$@" 2>"$work/stderr"
	rc=$?
	t1=$(date +%s%N)
	ms=$(( (t1 - t0) / 1000000 ))
}

# (a) LockCram x SigJam in one TCP message
run "$work/a.db" "$H/keytrap_tcp.pcap"
ops=$(stat "$work/a.db" val_crypto_ops)
wl=$(sqlite3 "$work/a.db" "SELECT count(*) FROM findings WHERE kind='work_limit' AND frame IS NOT NULL")
msgs=$(sqlite3 "$work/a.db" "SELECT count(*) FROM messages WHERE qr=1 AND transport='tcp' AND size > 50000")
if ((rc <= 1 && ms < 2000 && ops <= 32 && wl >= 1 && msgs == 1)); then
	ok "(a) keytrap_tcp: exit $rc, ${ms} ms, $ops crypto ops, work_limit finding"
else
	bad "(a) keytrap_tcp: exit $rc (want 0/1), ${ms} ms (< 2000), $ops crypto ops (<= 32), $wl work_limit findings (>= 1), $msgs TCP responses over 50 000 octets (1)"
fi

# (b) the same response 1000x: the memo, not the budget, absorbs the repeats
"$PYTHON" tests/validator/make_hostile.py --repeat "$H/keytrap_repeat1.pcap" "$work/rep.pcap" 1000
run "$work/b1.db" "$H/keytrap_repeat1.pcap"
ops1=$(stat "$work/b1.db" val_crypto_ops)
run "$work/b.db" "$work/rep.pcap"
ops=$(stat "$work/b.db" val_crypto_ops); hits=$(stat "$work/b.db" val_memo_hits)
resp=$(stat "$work/b.db" val_responses)
# 16 RRSIGs x 4 candidate keys = 64 distinct (RRSIG, key) pairs: the most that can ever be
# verified, however often the response repeats. The first copy stops at 32.
if ((rc <= 1 && ms < 5000 && ops1 <= 32 && ops <= 64 && hits >= 999 * 8 && resp == 1000)); then
	ok "(b) keytrap x1000: exit $rc, ${ms} ms, crypto ops $ops1 once / $ops for 1000 copies, $hits memo hits"
else
	bad "(b) keytrap x1000: exit $rc, ${ms} ms (< 5000), crypto ops $ops1 (<= 32) once, $ops (<= 64) for 1000, memo hits $hits (>= 7992), responses $resp"
fi

# (c)(d)(e) key shapes, labels, signer; (f) times; keycap
for c in keyshape times keycap; do
	f=$H/$c.pcap; [[ -f $f ]] || f=$H/$c.pcapng
	run "$work/$c.db" "$f"
	if ((rc > 1)); then bad "$c: sigtrail exit $rc: $(head -c 300 "$work/stderr")"; continue; fi
	if out=$("$PYTHON" tests/validator/hostile_check.py "$work/$c.db" "$c" "$H/EXPECT"); then
		ok "$c: every RRSIG as expected (exit $rc)"
	else
		bad "$c:"; echo "$out"
	fi
done
ops=$(stat "$work/keyshape.db" val_crypto_ops)
((ops == 0)) && ok "keyshape: 0 crypto operations for malformed keys / labels / signer" ||
	bad "keyshape: $ops crypto operations (want 0: every case is refused before OpenSSL)"

if command -v valgrind >/dev/null; then
	if valgrind -q --error-exitcode=99 "$SIGTRAIL" analyze -q -o "$work/vg.db" "$H/keyshape.pcap" \
		>/dev/null 2>"$work/vg.txt"; [[ $? == 99 ]]; then
		bad "keyshape under valgrind: $(grep -m1 -A3 'uninitialised\|Invalid' "$work/vg.txt" | tr -s ' ' | head -4 | tr '\n' ' ')"
	else
		ok "keyshape under valgrind: no memcheck errors"
	fi
fi
((fail)) && { echo "FAIL: hostile validator input"; exit 1; }
echo "PASS: hostile validator input"
