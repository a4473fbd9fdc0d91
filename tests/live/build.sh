#!/usr/bin/env bash
# tests/live/build.sh -- prints the path of a binary that runs `sigtrail live`:
# ./sigtrail itself once main.c dispatches "live", else tests/live/live_driver
# linked against the objects of the last `make` (build/).
set -eu
cd "$(dirname "$0")/../.."
: "${SIGTRAIL:=./sigtrail}" "${BUILD:=build}"
if "$SIGTRAIL" --help 2>/dev/null | grep -q 'sigtrail live'; then echo "$SIGTRAIL"; exit 0; fi
out=$BUILD/tests/live/live_driver
mkdir -p "$(dirname "$out")"
objs=$(ls "$BUILD"/{util,capture,decode,analyze,report}/*.o)
if [[ ! -x $out || -n $(find $objs tests/live/live_driver.c -newer "$out" 2>/dev/null | head -1) ]]; then
	san=
	nm "$BUILD/util/err.o" 2>/dev/null | grep -q __asan && san="-fsanitize=address,undefined"
	cc $san -std=c11 -I. -D_DEFAULT_SOURCE -O2 -g -Wall -Wextra -o "$out" tests/live/live_driver.c $objs \
		$(pkg-config --libs libpcap ldns libcrypto sqlite3) -lm >&2
fi
echo "$out"
