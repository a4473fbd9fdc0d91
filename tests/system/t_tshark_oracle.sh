#!/usr/bin/env bash
# tests/system/t_tshark_oracle.sh -- tshark as the oracle (issue 2, docs/oracle.md).
#
# For every capture under tests/ and under ../shared/corpus/ (next to the
# repository), run `$SIGTRAIL analyze CAPTURE -o DB` and compare the messages
# table with what tshark decodes from the same file (tests/oracle/compare.py).
# Differences must be documented case by case in tests/oracle/EXCEPTIONS.
# One line per capture; exits non-zero if any capture fails.
#
# Environment: SIGTRAIL (default ./sigtrail), ORACLE_CORPUS (default
# <repo>/../shared/corpus), ORACLE_PORTS (DNS ports given to both tools,
# default "53 5353 8053"), ORACLE_ONLY (substring:
# run only captures whose name contains it), ORACLE_VERBOSE=1 (also list
# documented differences), ORACLE_REQUIRED=1 (fail rather than skip if
# tshark is missing), PYTHON (default /usr/bin/python3).
set -u
root=$(git rev-parse --show-toplevel 2>/dev/null) || root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
: "${SIGTRAIL:=./sigtrail}"
PYTHON=${PYTHON:-/usr/bin/python3}
[[ -x $PYTHON ]] || PYTHON=python3
export TZ=UTC LC_ALL=C
oracle=tests/oracle
exc=$oracle/EXCEPTIONS

if ! command -v tshark >/dev/null; then
	echo "SKIP: tshark is not installed (apt-get install tshark)"
	[[ -n ${ORACLE_REQUIRED:-} ]] && exit 1
	exit 0
fi
if ! [[ -x $SIGTRAIL ]] && ! command -v "$SIGTRAIL" >/dev/null; then
	echo "FAIL: no sigtrail binary at $SIGTRAIL (run make)"; exit 1
fi

# The name converter first: it is what every qname comparison relies on.
if ! out=$("$PYTHON" $oracle/test_names.py 2>&1); then
	echo "$out"; echo "FAIL: tests/oracle/test_names.py"; exit 1
fi
echo "$out"
# docs/oracle.md carries a table generated from EXCEPTIONS: say if it is stale.
"$PYTHON" $oracle/exceptions_table.py --check docs/oracle.md | sed 's/^/note: /'

corpus=${ORACLE_CORPUS:-$root/../shared/corpus}
if [[ -d $corpus ]]; then
	corpus=$(cd "$corpus" && pwd)
else
	echo "note: no corpus at $corpus: testing the captures under tests/ only"
	corpus=
fi

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# DNS ports.  tshark decodes UDP 53 and TCP 53 and 5353 as DNS by default
# (UDP 5353 is mDNS, a separate protocol); sigtrail decodes 53 unless told
# otherwise, and --port replaces that default.  Both tools get the same
# list: sigtrail as --port, tshark as decode-as (facts.sh does the same for
# the lab's 8053), so a port choice never shows up as a difference.
sig_port_args=() cmp_port_args=()
if "$SIGTRAIL" analyze --help 2>&1 | grep -q -- '--port'; then
	for p in ${ORACLE_PORTS-53 5353 8053}; do
		sig_port_args+=(--port "$p"); cmp_port_args+=(--port "$p")
	done
fi

# name<TAB>path for every capture: *.pcap, *.pcapng, *.cap, *.pcap_ (sic:
# suricata-verify's original.pcap_), and the same gzip'ed.  Under tests/:
# captures/, lab/ and oracle/ (not fuzz/: its seeds copy tests/captures).
list_captures() { # DIR PREFIX
	(cd "$1" && find . -path ./_derived -prune -o -type f \( -name '*.pcap' -o -name '*.pcapng' \
		-o -name '*.cap' -o -name '*.pcap_' -o -name '*.pcap.gz' -o -name '*.pcapng.gz' \) -print) |
		sed 's|^\./||' | LC_ALL=C sort | while read -r f; do printf '%s\t%s\n' "$2$f" "$1/$f"; done
}
{
	for d in tests/captures tests/lab tests/oracle; do
		[[ -d $d ]] && list_captures "$d" "$d/"
	done
	[[ -n $corpus ]] && list_captures "$corpus" corpus/
} >"$tmp/list"

# one N NAME PATH: writes $tmp/res.N -- first line "OK ..." or "FAIL ...",
# then indented details.
one() {
	local n=$1 name=$2 path=$3 cap=$3 res=$tmp/res.$1 db=$tmp/db$1.sqlite rc crc why extra
	if [[ $path == *.gz ]]; then
		cap=$tmp/cap$n.$(basename "${path%.gz}" | sed 's/.*\.//')
		if ! gzip -dc "$path" >"$cap"; then
			printf '%-72s FAIL gunzip\n' "$name" >"$res"; return
		fi
	fi
	"$SIGTRAIL" analyze "$cap" "${sig_port_args[@]}" -o "$db" >"$tmp/out$n" 2>&1 </dev/null
	rc=$?
	# 0 ok, 1 validation failures found, 4 capture cut off (analysed what was
	# there): compare.  Anything else only if EXCEPTIONS says so, per capture.
	if ((rc != 0 && rc != 1 && rc != 4)); then
		why=$("$PYTHON" $oracle/compare.py --exit-codes "$exc" "$name" |
			awk -v c=$rc '$1 == c { $1 = ""; print; exit }')
		if [[ -n $why ]]; then
			printf '%-72s OK refused, exit %d as documented:%s\n' "$name" $rc "$why" >"$res"
		else
			{ printf '%-72s FAIL sigtrail exit %d\n' "$name" $rc
			  tail -n 5 "$tmp/out$n" | sed 's/^/    /'; } >"$res"
		fi
	else
		local args=(--exceptions "$exc" --name "$name" "${cmp_port_args[@]}")
		[[ -n ${ORACLE_VERBOSE:-} ]] && args+=(--verbose)
		"$PYTHON" $oracle/compare.py "${args[@]}" "$cap" "$db" >"$tmp/cmp$n" 2>&1
		crc=$?
		extra=""; ((rc == 4)) && extra=" (sigtrail: capture cut off, exit 4)"
		{ if ((crc == 0)); then
			printf '%-72s %s%s\n' "$name" "$(head -n 1 "$tmp/cmp$n")" "$extra"
		  else
			printf '%-72s FAIL %s%s\n' "$name" "$(head -n 1 "$tmp/cmp$n")" "$extra"
		  fi
		  tail -n +2 "$tmp/cmp$n" | sed 's/^/  /'; } >"$res"
	fi
	rm -f "$db" "$tmp/out$n" "$tmp/cmp$n"
	[[ $cap != "$path" ]] && rm -f "$cap"
}

# Two captures at a time (ORACLE_JOBS): tshark's start-up dominates.
jobs_max=${ORACLE_JOBS:-2}
n=0
while IFS=$'\t' read -r name path; do
	[[ -n ${ORACLE_ONLY:-} && $name != *"$ORACLE_ONLY"* ]] && continue
	n=$((n + 1))
	one $n "$name" "$path" &
	while (($(jobs -rp | wc -l) >= jobs_max)); do wait -n; done
done <"$tmp/list"
wait

nfail=0 failed=()
for ((i = 1; i <= n; i++)); do
	cat "$tmp/res.$i"
	if [[ $(head -n 1 "$tmp/res.$i" | awk '{print $2}') == FAIL ]]; then
		nfail=$((nfail + 1)); failed+=("$(head -n 1 "$tmp/res.$i" | awk '{print $1}')")
	fi
done

echo "tshark oracle: $n captures, $((n - nfail)) agree, $nfail differ"
if ((nfail)); then printf '  differs: %s\n' "${failed[@]}"; exit 1; fi
exit 0
