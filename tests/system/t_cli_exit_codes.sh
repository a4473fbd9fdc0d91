#!/usr/bin/env bash
# The documented exit codes and errors of `sigtrail analyze` / `summary`
# (README.md "Exit status"): each case runs the real binary on a real or
# hand-made file and checks the status and that the message names the cause.
set -u
S=${SIGTRAIL:-./sigtrail}
CORPUS=$(cd "$(dirname "$0")/../.." && pwd)/../shared/corpus
GOOD=$CORPUS/dnscap/src/test/dns.pcap
[[ -f $GOOD ]] || GOOD=tests/captures/$(ls tests/captures | grep -m1 '\.pcap$')
T=$(mktemp -d); trap 'umount "$T/full" 2>/dev/null; rm -rf "$T"' EXIT
fail=0
expect() { # expect CODE PATTERN -- command...
	local want=$1 pat=$2; shift 3
	"$@" >"$T/out" 2>"$T/err"; local got=$?
	if [[ $got != "$want" ]] || { [[ -n $pat ]] && ! grep -qiE "$pat" "$T/out" "$T/err"; }; then
		echo "not ok: '$*' exited $got (want $want), output lacks /$pat/:"; sed 's/^/    /' "$T/err" "$T/out" | head -20
		fail=1
	else
		echo "ok: exit $want for: $*"
	fi
}
expect 2 usage -- "$S"
expect 2 usage -- "$S" frobnicate
expect 2 "no capture" -- "$S" analyze -o "$T/x.db"
expect 2 "port" -- "$S" analyze -p 0 "$GOOD"
expect 0 usage -- "$S" --help
expect 3 "no such file" -- "$S" analyze -o "$T/a.db" "$T/missing.pcap"
[[ ! -e $T/a.db ]] || { echo "not ok: a database was created for a missing input"; fail=1; }
head -c 3000 /dev/urandom > "$T/garbage.bin"
expect 3 "not a capture" -- "$S" analyze -o "$T/b.db" "$T/garbage.bin"
: > "$T/empty.pcap"
expect 3 "not a capture|empty" -- "$S" analyze -o "$T/c.db" "$T/empty.pcap"
# Cut inside the last record: everything before it is analysed, exit 4.
size=$(stat -c %s "$GOOD")
head -c $((size - 7)) "$GOOD" > "$T/cut.pcap"
expect 4 "cut off|truncated" -- "$S" analyze -o "$T/d.db" "$T/cut.pcap"
full=$(sqlite3 "$T/d.db" "select count(*) from messages" 2>/dev/null || echo 0)
tsh=$(tshark -r "$T/cut.pcap" -Y dns 2>/dev/null | wc -l)
[[ $full -gt 0 && $full -ge $((tsh - 1)) ]] && echo "ok: cut capture analysed ($full messages, tshark $tsh frames)" \
	|| { echo "not ok: cut capture gave $full messages, tshark $tsh"; fail=1; }
expect 5 "unable|cannot|readonly|denied|directory" -- "$S" analyze -q -o /nonexistent-dir/x.db "$GOOD"
# The disk fills up mid-load (the rows are written by a thread of their
# own, analyze/dbq.c): a clear error and exit 5, not a hang or a crash.
if [[ $(id -u) == 0 ]] && mkdir -p "$T/full" && mount -t tmpfs -o size=2M tmpfs "$T/full" 2>/dev/null; then
	/usr/bin/python3 bench/gen_capture.py --packets 40000 --duration 60 --seed 5 --out "$T/big.pcap" >/dev/null 2>&1
	expect 5 "disk is full" -- timeout 120 "$S" analyze -q -o "$T/full/x.db" "$T/big.pcap"
	umount "$T/full"
else
	echo "skip: disk-full case needs root to mount a small tmpfs"
fi
expect 0 "" -- "$S" analyze -q -o "$T/e.db" "$GOOD"
expect 0 "rcodes" -- "$S" summary "$T/e.db"
expect 5 "no such file" -- "$S" summary "$T/none.db"
expect 5 "not a sigtrail database|not a database" -- "$S" summary "$T/garbage.bin"
exit $fail
