#!/usr/bin/env bash
# tests/report/build_driver.sh [BUILD] -- prints the path of a program that
# writes a report: `$SIGTRAIL report DB -o OUT` when main.c has the
# command, else tests/report/report_main.c linked by hand against the
# objects `make` left in BUILD (default build), as $BUILD/report_main.
# Usage in tests: mapfile -t REPORT < <(tests/report/build_driver.sh); "${REPORT[@]}" DB OUT
set -eu
cd "$(dirname "$0")/../.."
: "${SIGTRAIL:=./sigtrail}"
B=${1:-${BUILD:-build}}
if "$SIGTRAIL" --help 2>&1 | grep -q '^ *sigtrail report'; then
	printf '%s\n' "$SIGTRAIL" report
	exit 0
fi
objs=$(find "$B/util" "$B/capture" "$B/decode" "$B/analyze" "$B/report" -name '*.o' 2>/dev/null | sort)
[[ -n $objs ]] || { echo "no objects under $B: run make" >&2; exit 1; }
flags=
[[ $B == build-asan ]] && flags="-fsanitize=address,undefined"
gcc -std=c11 -I. -D_DEFAULT_SOURCE -O1 -g $flags -o "$B/report_main" tests/report/report_main.c $objs \
	$(pkg-config --libs libpcap ldns libcrypto sqlite3) -lm >&2
printf '%s\n' "$B/report_main"
