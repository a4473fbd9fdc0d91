#!/bin/sh
# bench/verify_rate.sh -- sigtrail's cached verification rate next to
# `openssl speed` verify rates, in the same run (see bench/verify_rate.c).
set -e
cd "$(dirname "$0")/.."
mkdir -p build
gcc -std=c11 -O2 -I. -D_DEFAULT_SOURCE bench/verify_rate.c analyze/result.c analyze/serial.c \
    analyze/keyshape.c analyze/pkey.c analyze/memo.c analyze/sigcheck.c util/err.c \
    $(pkg-config --cflags --libs libcrypto) -o build/verify_rate
echo "== sigtrail analyze/sigcheck (1 thread, 200-byte signed data, memo off)"
build/verify_rate "${1:-3}"
echo "== openssl speed -seconds ${1:-3} rsa2048 ecdsap256 ed25519"
openssl speed -seconds "${1:-3}" rsa2048 ecdsap256 ed25519 2>/dev/null | grep -E "verify|^rsa|^ *256 bits|253 bits"
