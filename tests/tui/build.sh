#!/usr/bin/env bash
# tests/tui/build.sh OUT -- links tests/tui/tui_driver.c with the objects of
# $BUILD (default build/) into OUT. Prints nothing on success.
set -eu
cd "$(dirname "$0")/../.."
: "${BUILD:=build}"
out=$1
objs=$(ls "$BUILD"/{util,capture,decode,analyze,report,tui}/*.o)
${CC:-cc} -std=c11 -I. -Wall -Wextra -Werror $(pkg-config --cflags ncursesw) -o "$out" tests/tui/tui_driver.c \
	$objs $(pkg-config --libs libpcap ldns libcrypto sqlite3 ncursesw) -lm $([[ "$BUILD" == build-asan ]] && echo -fsanitize=address,undefined)
